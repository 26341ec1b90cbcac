from housing.workflow.models import ProcessTemplate


def test_admin_instance_changelist_is_scoped_like_the_back_office(client, make_case, street_caseworker):
    make_case("翠香案件", "440402001001", "accept")
    make_case("梅华案件", "440402002001", "accept")
    client.force_login(street_caseworker)
    page = client.get("/admin/workflow/processinstance/").content.decode()
    assert "翠香案件" in page and "梅华案件" not in page


def test_an_active_template_is_read_only_and_changed_through_a_new_version(admin_client, admission_template):
    page = admin_client.get(
        f"/admin/workflow/processtemplate/{admission_template.pk}/change/"
    ).content.decode()
    assert "不能修改" in page and 'name="name"' not in page
    response = admin_client.post(
        "/admin/workflow/processtemplate/",
        {"action": "copy_as_new_version", "_selected_action": [admission_template.pk]},
    )
    assert response.status_code == 302
    draft = ProcessTemplate.objects.get(code=admission_template.code, version=2)
    assert not draft.is_active and draft.nodes.count() == admission_template.nodes.count()
    page = admin_client.get(f"/admin/workflow/processtemplate/{draft.pk}/change/").content.decode()
    assert 'name="name"' in page
