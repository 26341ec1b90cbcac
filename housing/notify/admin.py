from django.contrib import admin

from .models import Message, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "channel", "name", "is_active", "updated_at")
    list_filter = ("channel", "is_active")
    search_fields = ("code", "name", "subject", "body")
    readonly_fields = ("updated_at",)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a record of what was sent, not something to edit."""

    list_display = ("created_at", "channel", "recipient", "template_code", "status", "attempts", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("template_code", "subject")
    list_select_related = ("recipient",)
    show_full_result_count = False
    raw_id_fields = ("recipient",)
    # Full phone numbers and addresses stay out of the admin; the back-office outbox shows them masked.
    exclude = ("address",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        from .selectors import outbox_list

        return outbox_list(user=request.user)
