"""Where department data comes from: the local mirror, or a department's live API.

A city plugs a live API per dataset in ``settings.EXCHANGE_ADAPTERS``::

    EXCHANGE_ADAPTERS = {
        "social_insurance": {"url": "https://api.example/si/query", "key": "…", "timeout": 5,
                             "field_map": {"monthly_base": "jfjs"}},
    }

Every adapter answers ``lookup(dataset_code, id_number)`` with a list of records, each a dict
``{"values": {...typed by the dataset schema...}, "source": str, "source_date": date | None}``,
and raises ``AdapterError`` (a Chinese message) when the source cannot answer: "not found" is an
empty list, never an error, so a checker can tell "no record" from "could not ask".
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from housing.accounts.identity import id_number_digest

from .datasets import coerce_values
from .models import Dataset, MirrorRecord


class AdapterError(Exception):
    """The source could not answer (timeout, HTTP error, malformed reply); the message is for users."""


class DepartmentAdapter(ABC):
    """Where a department's facts about one person come from: the local mirror or a live API."""

    source_name = ""

    @abstractmethod
    def lookup(self, dataset_code: str, id_number: str) -> list[dict]:
        """The person's records in one dataset (empty when not found); AdapterError when unreachable."""


class MirrorAdapter(DepartmentAdapter):
    """Reads the imported mirror. The newest extract of a dataset is the department's current
    statement about a person, so older extracts are not returned alongside it."""

    source_name = "mirror"

    def lookup(self, dataset_code: str, id_number: str) -> list[dict]:
        rows = list(
            MirrorRecord.objects.filter(
                dataset__code=dataset_code, id_number_digest=id_number_digest(id_number)
            )
            .order_by("-source_date", "-id")
            .only("values", "source", "source_date")
        )
        if not rows:
            return []
        newest = rows[0].source_date
        return [
            {"values": row.values, "source": row.source, "source_date": row.source_date}
            for row in rows
            if row.source_date == newest
        ]


class HttpJsonAdapter(DepartmentAdapter):
    """POSTs ``{"dataset": code, "id_number": …}`` as JSON with the key in ``X-Api-Key`` (the ID number
    never goes into a URL, where proxies log it) and expects ``{"records": [{...}], "source_date": "…"}``."""

    source_name = "http"

    def __init__(
        self, *, url: str, key: str = "", timeout: float = 5, field_map: dict[str, str] | None = None
    ):
        self.url = url
        self.key = key
        self.timeout = timeout
        self.field_map = field_map or {}

    def _post(self, payload: dict) -> Any:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json", "X-Api-Key": self.key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return {"records": []}
            raise AdapterError(_("部门接口返回错误（HTTP %(code)s）。") % {"code": exc.code}) from exc
        except TimeoutError as exc:
            raise AdapterError(_("部门接口超时（%(seconds)s秒）。") % {"seconds": self.timeout}) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise AdapterError(_("部门接口超时（%(seconds)s秒）。") % {"seconds": self.timeout}) from exc
            raise AdapterError(_("无法连接部门接口：%(reason)s") % {"reason": exc.reason}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise AdapterError(_("部门接口返回的不是有效的JSON。")) from exc

    def lookup(self, dataset_code: str, id_number: str) -> list[dict]:
        dataset = Dataset.objects.get(code=dataset_code)
        reply = self._post({"dataset": dataset_code, "id_number": id_number})
        if not isinstance(reply, dict) or not isinstance(reply.get("records", []), list):
            raise AdapterError(_("部门接口返回的数据格式不正确。"))
        source_date = None
        if reply.get("source_date"):
            try:
                source_date = dt.date.fromisoformat(str(reply["source_date"]))
            except ValueError as exc:
                raise AdapterError(_("部门接口返回的数据日期无效。")) from exc
        records = []
        for item in reply.get("records", []):
            if not isinstance(item, dict):
                raise AdapterError(_("部门接口返回的数据格式不正确。"))
            mapped = {f["name"]: item.get(self.field_map.get(f["name"], f["name"])) for f in dataset.fields}
            values, errors = coerce_values(dataset.fields, mapped)
            if errors:
                raise AdapterError(
                    _("部门接口返回的数据不符合字段定义：%(errors)s") % {"errors": "；".join(errors)}
                )
            records.append({"values": values, "source": self.url, "source_date": source_date})
        return records


def adapter_for(dataset_code: str) -> DepartmentAdapter:
    """The live API configured for this dataset, or the imported mirror."""
    config = getattr(settings, "EXCHANGE_ADAPTERS", {}).get(dataset_code)
    if not config:
        return MirrorAdapter()
    try:
        return HttpJsonAdapter(**config)
    except TypeError as exc:
        raise ValidationError(_("数据集“%(code)s”的接口配置有误。") % {"code": dataset_code}) from exc
