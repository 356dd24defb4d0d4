from rules.permissions import RoleRef, is_moderator

MODS = RoleRef(id=555000000000000001, name="Moderator")
MEMBER = RoleRef(id=555000000000000002, name="Member")


def test_moderator_by_role_name_case_insensitive() -> None:
    assert is_moderator(configured_role="moderator", roles=[MEMBER, MODS], manage_guild=False)


def test_moderator_by_role_id() -> None:
    assert is_moderator(configured_role=str(MODS.id), roles=[MODS], manage_guild=False)


def test_manage_server_counts_as_moderator_without_role() -> None:
    assert is_moderator(configured_role="Moderator", roles=[], manage_guild=True)
    assert is_moderator(configured_role=None, roles=[], manage_guild=True)


def test_plain_member_is_not_moderator() -> None:
    assert not is_moderator(configured_role="Moderator", roles=[MEMBER], manage_guild=False)
    assert not is_moderator(configured_role=None, roles=[MEMBER, MODS], manage_guild=False)
