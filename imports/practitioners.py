"""An extract's staff as practitioner records: accounts that cannot log in until an administrator enables them,
members of their team, so a contact can name who saw the child. A provider's workforce, not an extract's size:
both paths (merge.py, sql_merge.py) write them here with the ORM."""

import hashlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.models import Provider, Role, User
from imports.outcome import Counts

STAFF_FIELDS = ("first_name", "last_name", "profession_id")
Change = tuple[str, object, int | None, int | None, list[str]]  # as accounts.audit.record_changes takes one


def load_staff(
    provider: Provider,
    values: Mapping[str, dict[str, Any]],
    held: Mapping[str, dict[str, Any]],
    counts: Counts,
) -> tuple[dict[str, tuple[int, int]], list[Change]]:
    """The extract's staff as practitioner records (accounts that cannot log in until an administrator enables
    them), members of their team: new ones created, changed ones updated, counted. A provider's workforce, not
    an extract's size: both paths write it with the ORM. ({local id: (user id, profession id)}, the changes.)"""
    created = [local for local in values if local not in held]
    changed = {
        local: names
        for local in values
        if local in held and (names := [f for f in STAFF_FIELDS if held[local][f] != values[local][f]])
    }
    counts.loaded, counts.updated = len(created), len(changed)
    counts.unchanged = len(values) - len(created) - len(changed)
    code = provider.code.lower()
    User.objects.bulk_create(
        [
            User(
                username=f"epr-{code}-{hashlib.sha256(local.encode()).hexdigest()[:16]}",
                password=make_password(None),  # cannot log in until an administrator sets a password
                is_active=False,
                role=Role.CLINICIAN,
                provider=provider,
                local_id=local,
                **{k: v for k, v in values[local].items() if k in STAFF_FIELDS},
            )
            for local in created
        ],
        batch_size=2000,
    )
    updated = []
    for local, names in changed.items():
        user = User(pk=held[local]["pk"])
        for name in names:
            setattr(user, name, values[local][name])
        updated.append(user)
    if updated:
        User.objects.bulk_update(
            updated, sorted({n for names in changed.values() for n in names}), batch_size=2000
        )
    changes: list[Change] = [
        ("accounts.user", held[local]["pk"], None, None, [n.removesuffix("_id") for n in names])
        for local, names in changed.items()
    ]
    staff_ids = dict(
        User.objects.filter(provider=provider, local_id__in=list(values)).values_list("local_id", "pk")
    )
    memberships = set(
        User.teams.through.objects.filter(user_id__in=staff_ids.values()).values_list("user_id", "team_id")
    )
    User.teams.through.objects.bulk_create(
        [
            User.teams.through(user_id=staff_ids[local], team_id=row["team_id"])
            for local, row in values.items()
            if (staff_ids[local], row["team_id"]) not in memberships
        ],
        batch_size=2000,
    )
    return {local: (staff_ids[local], values[local]["profession_id"]) for local in values}, changes
