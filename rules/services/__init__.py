"""Writes of the rules subsystem. Import from here: ``from rules.services import ruleset_activate``."""

from .diff import FieldChange, ItemChange, RuleSetDiff, ruleset_diff
from .exchange import canonical_json, ruleset_data, ruleset_export, ruleset_import, sha256_of
from .lifecycle import (
    EDITABLE_FIELDS,
    ITEM_MODELS,
    guarantee_mode_create,
    guarantee_project_create,
    ruleset_activate,
    ruleset_copy_to_draft,
    ruleset_create,
    ruleset_item_delete,
    ruleset_item_save,
    ruleset_process_sync,
    ruleset_retire,
    ruleset_update,
    ruleset_validate,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ITEM_MODELS",
    "FieldChange",
    "ItemChange",
    "RuleSetDiff",
    "canonical_json",
    "guarantee_mode_create",
    "guarantee_project_create",
    "ruleset_activate",
    "ruleset_copy_to_draft",
    "ruleset_create",
    "ruleset_data",
    "ruleset_diff",
    "ruleset_export",
    "ruleset_import",
    "ruleset_item_delete",
    "ruleset_item_save",
    "ruleset_process_sync",
    "ruleset_retire",
    "ruleset_update",
    "ruleset_validate",
    "sha256_of",
]
