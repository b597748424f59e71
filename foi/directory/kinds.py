"""The kinds of body foi knows, the groups of kinds, and the UK's nations: one list each for
the directory, imports and templates."""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "mental-health-trust",
    "health-board",
    "special-health-board",
    "hsc-trust",
    "nhs-england",
    "police-force",
    "ambulance-trust",
    "icb",
    "nhs-trust",
    "coroner",
    "council",
    "private-company",
    "charity",
    "other",
)

# A group names several kinds at once (`--to kind:mental-health-provider`, `--kind`).
# mental-health-provider: every kind of body that runs adult mental health services: English
# mental health trusts, Scottish territorial health boards and the State Hospitals Board (a
# special health board), Welsh local health boards and Northern Ireland's HSC trusts.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "mental-health-provider": (
        "mental-health-trust",
        "health-board",
        "special-health-board",
        "hsc-trust",
    ),
}

# The nations of the UK, as stored in bodies.nation (Scotland's bodies answer under FOISA).
NATIONS: tuple[str, ...] = ("england", "scotland", "wales", "northern-ireland")


def kinds_named(name: str) -> tuple[str, ...]:
    """The kinds a --kind or kind: selector names (a kind, or a group); () if unknown."""
    if name in KIND_GROUPS:
        return KIND_GROUPS[name]
    return (name,) if name in KINDS else ()


def kind_choices() -> str:
    """The kinds and groups, for an error message."""
    return ", ".join((*KINDS, *KIND_GROUPS))
