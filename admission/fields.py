"""Model fields of the admission subsystem."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models

from .encryption import decrypt_text, encrypt_text

# A Fernet token of a short value (an 18-character ID number) is 120 characters; 255 leaves room.
TOKEN_COLUMN_LENGTH = 255


class EncryptedCharField(models.CharField):
    """Text stored as a Fernet token; Python code, forms and templates see the clear text.

    ``clear_max_length`` bounds the clear value (forms, validation); the column holds the longer
    token. Filtering on this field cannot work (each token is random): look rows up by the
    keyed-hash column kept beside it.
    """

    def __init__(self, *args, clear_max_length: int = 32, **kwargs):
        self.clear_max_length = clear_max_length
        kwargs["max_length"] = TOKEN_COLUMN_LENGTH
        super().__init__(*args, **kwargs)
        # The column's max_length bounds the token; this bounds what a user may type.
        self.validators.append(MaxLengthValidator(clear_max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs["clear_max_length"] = self.clear_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return decrypt_text(value) if value else (value or "")

    def to_python(self, value):
        return "" if value is None else str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt_text(value) if value else (value or "")

    def formfield(self, **kwargs):
        kwargs.setdefault("max_length", self.clear_max_length)
        field = super().formfield(**kwargs)
        field.widget.attrs["autocomplete"] = "off"
        return field
