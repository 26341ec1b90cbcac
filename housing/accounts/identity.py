"""ID numbers (居民身份证号码): validation, keyed hash for lookup, and masks (DESIGN §4 rule 8)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def normalise_id_number(value: str) -> str:
    """Upper-case X and no spaces; raises a Chinese ValidationError for an invalid number."""
    value = (value or "").strip().upper().replace(" ", "")
    try:
        return ric.validate(value)
    except InvalidLength as exc:
        raise ValidationError(_("身份证号码应为18位。"), code="id_length") from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"), code="id_checksum") from exc
    except InvalidComponent as exc:
        raise ValidationError(_("身份证号码中的出生日期或地区码无效。"), code="id_component") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("身份证号码格式不正确。"), code="id_format") from exc


def id_number_digest(value: str) -> str:
    key = settings.ID_NUMBER_HASH_KEY.encode()
    return hmac.new(key, (value or "").strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """``4404**********1234``: first 4 and last 4 kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """``张*三`` for public pages: first and last character kept."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
