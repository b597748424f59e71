"""The kinds of body foi knows: one list for the directory, imports and templates."""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "mental-health-trust",
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
