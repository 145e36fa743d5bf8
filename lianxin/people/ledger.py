"""The household-and-person ledger (户籍人口台账) as the import engine reads it: one row per person.

Natural key: the resident ID, through its blind index. A row creates the person (and the household,
by village group and household number, when it is new), updates a person whose details changed,
or leaves an identical person alone, so re-importing the same file changes nothing.
"""

import base64
import hashlib
from datetime import date
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from lianxin.accounts.services import audit_batch
from lianxin.core import crypto
from lianxin.core.errors import DomainError
from lianxin.core.household_changes import households_changed
from lianxin.core.permissions import scope_to_user
from lianxin.core.sql import any_of, insert_rows
from lianxin.imports.headers import Column
from lianxin.imports.ledger import Context, Ledger, RowRejected, Written, register
from lianxin.imports.reading import FileRejected
from lianxin.regions.models import Region

from .ethnicity import Ethnicity
from .identity import PHONE_PURPOSE, RESIDENT_ID_PURPOSE, mask_mobile, resident_id_parse
from .models import Household, Person

RELATIONS = {
    "户主": "head",
    "本人": "head",
    "配偶": "spouse",
    "妻": "spouse",
    "妻子": "spouse",
    "夫": "spouse",
    "丈夫": "spouse",
    "子女": "child",
    "子": "child",
    "女": "child",
    "儿子": "child",
    "女儿": "child",
    "长子": "child",
    "次子": "child",
    "长女": "child",
    "次女": "child",
    "父母": "parent",
    "父亲": "parent",
    "母亲": "parent",
    "孙子女": "grandchild",
    "孙子": "grandchild",
    "孙女": "grandchild",
    "兄弟姐妹": "sibling",
    "兄": "sibling",
    "弟": "sibling",
    "姐": "sibling",
    "妹": "sibling",
    "其他": "other",
}
with translation.override(None):  # the Chinese source names, whatever language is active
    ETHNICITIES = {str(label): code for code, label in Ethnicity.choices}
    ETHNICITIES.update({str(label).removesuffix("族"): code for code, label in Ethnicity.choices})
    ETHNICITIES.update({code: code for code in Ethnicity.values})


GENDERS = {"男": "male", "女": "female", "男性": "male", "女性": "female"}
GENDER_SHOWN = {"male": N_("男"), "female": N_("女")}


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _region_key(name: str) -> str:
    for suffix in ("村民委员会", "村委会", "居委会", "村民小组"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class PersonRow(NamedTuple):
    """A row ready to write. A tuple, not a model instance or a dataclass: the dry run's stage pickles
    and the commit unpickles one per row (a tuple costs a fifth of a dataclass to unpickle)."""

    group_id: int  # the village group (an id: rows are pickled into the dry run's stage)
    household_number: str
    address: str
    name: str
    digest: str
    # Sealed when the row is prepared: the dry run pays for the encryption, and neither its stage nor
    # the commit's transaction holds the number in clear.
    id_ciphertext: bytes
    id_masked: str
    birth_date: date
    gender: str
    relation: str
    ethnicity: str
    phone: str | None  # in clear for comparison with the stored number; written as the two below
    phone_ciphertext: bytes | None
    phone_masked: str


@register
class PersonLedger(Ledger):
    key = "persons"
    label = N_("户籍人口台账")
    permission = "people.add_person"
    personal_columns = ("resident_id", "phone")
    columns = (
        Column(
            "village",
            N_("村委会"),
            ("行政村", "村", "村委会名称", "村名"),
            help=gettext_lazy("所属村委会名称,可省略;同名村民小组须填写"),
        ),
        Column(
            "village_group",
            N_("村民小组"),
            ("组", "小组", "村小组", "村民组", "自然村", "村寨", "组别", "所属小组"),
            required=True,
            help=gettext_lazy("须为您管辖范围内已登记的村民小组"),
        ),
        Column(
            "household_number",
            N_("户编号"),
            ("户号", "户编码", "户代码"),
            help=gettext_lazy(
                "同一户的成员填写相同户编号;没有户编号时,按户主身份证号码、户主姓名或成员行紧跟户主行的顺序分户"
            ),
        ),
        Column("address", N_("住址"), ("家庭住址", "地址", "现住址", "居住地址"), help=gettext_lazy("新建户时使用")),
        Column("name", N_("姓名"), ("人员姓名", "成员姓名", "家庭成员姓名"), kind="name", required=True),
        Column(
            "resident_id",
            N_("身份证号码"),
            ("身份证号", "公民身份号码", "身份证", "证件号码", "居民身份证号码", "身份证件号码"),
            kind="resident_id",
            required=True,
            help=gettext_lazy("18位居民身份证号码;请把该列设为文本格式,以免Excel把号码变成科学计数法"),
        ),
        Column(
            "relation",
            N_("与户主关系"),
            ("关系", "家庭关系", "与户主的关系"),
            kind="choice",
            choices=RELATIONS,
            help=gettext_lazy("户主、配偶、子女、父母、孙子女、兄弟姐妹、其他"),
        ),
        Column(
            "ethnicity",
            N_("民族"),
            ("族别",),
            kind="choice",
            choices=ETHNICITIES,
            help=gettext_lazy("如:汉族、苗族、彝族;空白按汉族"),
        ),
        Column("phone", N_("手机号码"), ("联系电话", "电话", "手机", "联系方式", "手机号"), kind="phone"),
        # Read from the resident ID, never stored from these columns: a roster that has them is checked
        # against the ID (one of the two values is wrong and a clerk must look).
        Column(
            "gender",
            N_("性别"),
            ("男女",),
            kind="choice",
            choices=GENDERS,
            help=gettext_lazy("可省略;填写时须与身份证号码一致"),
        ),
        Column(
            "birth_date",
            N_("出生日期"),
            ("出生年月日", "生日", "出生时间"),
            kind="date",
            help=gettext_lazy("可省略;填写时须与身份证号码一致"),
        ),
        Column(
            "age", N_("年龄"), ("周岁", "年龄(岁)"), kind="int", help=gettext_lazy("可省略;填写时须与身份证号码相符")
        ),
        Column(
            "head_resident_id",
            N_("户主身份证号码"),
            ("户主身份证号", "户主公民身份号码", "户主证件号码", "户主身份证"),
            kind="resident_id",
            help=gettext_lazy("没有户编号时用以分户:同一户的成员填写同一户主的身份证号码"),
        ),
        Column(
            "head_name",
            N_("户主姓名"),
            ("户主名字",),
            kind="name",
            help=gettext_lazy("没有户编号和户主身份证号码时用以分户(同一村民小组内户主不可重名)"),
        ),
    )
    sample = {
        "village": "甲马石村委会",
        "village_group": "甲马石",
        "household_number": "001-0001",
        "address": "甲马石1号",
        "name": "王小明",
        "resident_id": "532622198005170011",
        "relation": "户主",
        "ethnicity": "苗族",
        "phone": "13912345678",
    }

    # --- preparing rows ---------------------------------------------------------------------
    def start(self, ctx: Context) -> None:
        if crypto.index_rotating():
            # Stored people are matched by digest, chunk by chunk, without the clear ID: during a key
            # rotation a person still indexed under the retired key would not be found (and be created
            # twice). The rotation takes minutes; the import waits (docs/decisions/0015).
            raise FileRejected(_("正在进行密钥轮换(身份证号索引),暂不能导入户籍人口台账;请在轮换完成后重新检查并导入"))
        groups = scope_to_user(
            Region.objects.filter(level=Region.Level.VILLAGE_GROUP).select_related("parent"), ctx.user
        )
        by_pair: dict[tuple[str, str], Region] = {}
        by_name: dict[str, list[Region]] = {}
        for group in groups:
            village = _region_key(group.parent.name)
            for name in {group.name, _region_key(group.name)}:
                by_pair[(village, name)] = group
                by_name.setdefault(name, []).append(group)
        ctx.cache["groups_by_pair"], ctx.cache["groups_by_name"] = by_pair, by_name
        ctx.cache["heads"] = {}  # (group id, household number) → digest of the head this import sets
        ctx.cache["scope_path"] = ctx.user.scope_region.path if getattr(ctx.user, "scope_region_id", None) else ""
        # The "no future birth date" rule compares with the import's day (localdate() is slow per row).
        ctx.cache["today"] = timezone.localdate()
        # The keys are resolved once for the import, not per row.
        ctx.cache["id_digest"] = crypto.blind_indexer(RESIDENT_ID_PURPOSE)
        ctx.cache["id_encrypt"] = crypto.encrypter(RESIDENT_ID_PURPOSE)
        ctx.cache["phone_encrypt"] = crypto.encrypter(PHONE_PURPOSE)

    def _group(self, values: dict, ctx: Context) -> Region:
        # A sheet names the same few groups over and over: the outcome is remembered per pair of cells.
        key = (values.get("village") or "", values["village_group"])
        memo = ctx.cache.setdefault("group_memo", {})
        found = memo.get(key)
        if found is None:
            try:
                found = self._find_group(values, ctx)
            except RowRejected as exc:
                found = (exc.message, exc.column)
            if len(memo) < 10_000:
                memo[key] = found
        if type(found) is tuple:
            raise RowRejected(*found)
        return found

    def _find_group(self, values: dict, ctx: Context) -> Region:
        name = _region_key(values["village_group"])
        if values.get("village"):
            group = ctx.cache["groups_by_pair"].get((_region_key(values["village"]), name))
            elsewhere = ctx.cache["groups_by_name"].get(name, [])
            if group is None and elsewhere:
                # the village committee column determines the group's village: they contradict
                raise RowRejected(
                    _("村委会“%(village)s”下没有村民小组“%(group)s”(该小组属于%(owner)s)")
                    % {
                        "village": values["village"],
                        "group": values["village_group"],
                        "owner": "、".join(sorted({g.parent.name for g in elsewhere})),
                    },
                    "village",
                )
        else:
            candidates = ctx.cache["groups_by_name"].get(name, [])
            if len(candidates) > 1:
                raise RowRejected(
                    _("有多个名为“%(name)s”的村民小组,请填写“村委会”列以区分") % {"name": values["village_group"]},
                    "village",
                )
            group = candidates[0] if candidates else None
        if group is None:
            raise RowRejected(
                _("村民小组“%(name)s”不存在或不在您的管辖范围内") % {"name": values["village_group"]}, "village_group"
            )
        return group

    def prepare(self, values: dict[str, Any], ctx: Context) -> PersonRow:
        group = self._group(values, ctx)
        cache = ctx.cache
        try:
            parsed = resident_id_parse(values["resident_id"], today=cache["today"])
        except ValidationError as exc:
            raise RowRejected(exc.messages[0], "resident_id") from exc
        if values.get("gender") or values.get("birth_date") or values.get("age") is not None:
            self._check_against_id(values, parsed, ctx)
        phone = values.get("phone")
        digest = cache["id_digest"](parsed.number)
        number = values.get("household_number") or self._derived_household(values, group, digest, ctx)
        return PersonRow(
            group_id=group.pk,
            household_number=number,
            address=values.get("address") or "",
            name=values["name"],
            digest=digest,
            id_ciphertext=cache["id_encrypt"](parsed.number),
            id_masked=parsed.masked,
            birth_date=parsed.birth_date,
            gender=parsed.gender,
            relation=values.get("relation") or Person.Relation.OTHER,
            ethnicity=values.get("ethnicity") or Ethnicity.HAN,
            phone=phone,
            phone_ciphertext=cache["phone_encrypt"](phone) if phone else None,
            phone_masked=mask_mobile(phone) if phone else "",
        )

    # --- households without codes ---------------------------------------------------------------
    def header_problem(self, columns: set[str]) -> str:
        if columns & {"household_number", "head_resident_id", "head_name", "relation"}:
            return ""
        return _("缺少户编号列:没有户编号时,须有“户主身份证号码”“户主姓名”或“与户主关系”列,以确定每人属于哪一户")

    @staticmethod
    def _number_for(head_digest: str) -> str:
        """The household number derived from its head's resident ID (its blind index, never the number):
        the same head gives the same household on every import."""
        return "H" + hashlib.sha256(head_digest.encode()).hexdigest()[:10].upper()

    def _derived_household(self, values: dict, group: Region, digest: str, ctx: Context) -> str:
        """户编号 left empty (or no such column): from the head's resident ID, else the head's name in the
        village group, else the row order (members follow their head's row by 与户主关系)."""
        cache = ctx.cache
        formed = cache.setdefault("formed", {"how": "", "households": {}})
        is_head = values.get("relation") == Person.Relation.HEAD
        if values.get("head_resident_id"):
            how = "head_id"
            try:
                head = resident_id_parse(values["head_resident_id"], today=cache["today"])
            except ValidationError as exc:
                raise RowRejected(exc.messages[0], "head_resident_id") from exc
            head_digest = cache["id_digest"](head.number)
            if is_head and head_digest != digest:
                raise RowRejected(_("户主本人的“户主身份证号码”应与本人身份证号码相同"), "head_resident_id")
            number = self._number_for(head_digest)
        elif values.get("head_name"):
            how = "head_name"
            number = self._by_head_name(values, group, digest, is_head, ctx)
        elif "relation" in values or values.get("relation"):
            how = "order"
            current = cache.get("current_head")
            if is_head:
                number = self._number_for(digest)
                cache["current_head"] = (group.pk, number, values["name"])
            elif current is None:
                raise RowRejected(_("没有户编号,此行之前也没有户主行,无法确定所属的户"), "relation")
            elif current[0] != group.pk:
                raise RowRejected(
                    _("没有户编号,此行紧跟的户主“%(head)s”在另一个村民小组,无法确定所属的户") % {"head": current[2]},
                    "relation",
                )
            else:
                number = current[1]
        else:
            raise RowRejected(_("没有户编号,也没有户主身份证号码、户主姓名或与户主关系,无法确定所属的户"), None)
        formed["how"] = formed["how"] or how
        households = formed["households"]
        entry = households.get((group.pk, number))
        if entry is None and len(households) < 200_000:
            entry = households[(group.pk, number)] = [values.get("head_name") or "", 0]
        if entry is not None:
            entry[1] += 1
            if is_head:
                entry[0] = values["name"]
        return number

    def _by_head_name(self, values: dict, group: Region, digest: str, is_head: bool, ctx: Context) -> str:
        cache = ctx.cache
        heads = cache.setdefault("heads_by_name", {})  # (group id, name) → number, or None when two
        where = (group.pk, values["head_name"])
        if is_head:
            if values["head_name"] != values["name"]:
                raise RowRejected(_("户主本人的“户主姓名”应与本人姓名相同"), "head_name")
            number = self._number_for(digest)
            if where in heads and heads[where] != number:
                heads[where] = None
                raise RowRejected(
                    _("村民小组中有两位名为“%(name)s”的户主,请填写“户主身份证号码”列以区分")
                    % {"name": values["head_name"]},
                    "head_name",
                )
            heads[where] = number
            return number
        if where not in heads:
            stored = list(
                Person.objects.filter(
                    relation=Person.Relation.HEAD, name=values["head_name"], household__village_group_id=group.pk
                ).values_list("household__number", flat=True)[:2]
            )
            heads[where] = stored[0] if len(stored) == 1 else (None if stored else "")
        number = heads[where]
        if number is None:
            raise RowRejected(
                _("村民小组中有两位名为“%(name)s”的户主,请填写“户主身份证号码”列以区分")
                % {"name": values["head_name"]},
                "head_name",
            )
        if not number:
            del heads[where]  # the head's row may still come: a later member row looks again
            raise RowRejected(
                _("户主“%(name)s”不在本村民小组:户主的行须在成员之前,或户主已登记") % {"name": values["head_name"]},
                "head_name",
            )
        return number

    def notes(self, ctx: Context) -> list[str]:
        formed = ctx.cache.get("formed")
        if not formed or not formed["households"]:
            return []
        how = {
            "head_id": _("按户主身份证号码"),
            "head_name": _("按村民小组内的户主姓名"),
            "order": _("按行的顺序(成员行紧跟户主行)"),
        }[formed["how"]]
        households = formed["households"]
        first = "、".join(
            _("%(head)s户(%(n)d人)") % {"head": head or "?", "n": n} for head, n in list(households.values())[:5]
        )
        return [
            _("没有户编号,%(how)s分户:共%(count)d户;前几户:%(first)s")
            % {"how": how, "count": len(households), "first": first}
        ]

    def _check_against_id(self, values: dict, parsed, ctx: Context) -> None:
        """性别, 出生日期 and 年龄 are determined by the resident ID: a contradiction names both values and
        rejects the row (or, with LIANXIN_IMPORT_CONTRADICTIONS = "warn", is listed and the ID wins)."""
        found: list[tuple[str, str, str]] = []
        gender = values.get("gender")
        if gender and gender != parsed.gender:
            shown = _(GENDER_SHOWN[gender])
            found.append(
                (
                    "gender",
                    shown,
                    _("性别为“%(cell)s”,身份证号码显示为%(id)s")
                    % {"cell": shown, "id": _(GENDER_SHOWN[parsed.gender])},
                )
            )
        birth = values.get("birth_date")
        if birth and birth != parsed.birth_date:
            found.append(
                (
                    "birth_date",
                    birth.isoformat(),
                    _("出生日期为“%(cell)s”,身份证号码显示为%(id)s")
                    % {"cell": birth.isoformat(), "id": parsed.birth_date.isoformat()},
                )
            )
        age = values.get("age")
        if age is not None:
            actual = _age_on(parsed.birth_date, ctx.cache["today"])
            # a roster compiled last year states last year's age: one year either way is no contradiction
            if abs(age - actual) > 1:
                found.append(
                    (
                        "age",
                        str(age),
                        _("年龄为“%(cell)s”,身份证号码显示为%(id)s岁") % {"cell": age, "id": actual},
                    )
                )
        if not found:
            return
        if getattr(settings, "LIANXIN_IMPORT_CONTRADICTIONS", "reject") == "warn":
            ctx.warnings.extend(found)
            return
        key, _shown, message = found[0]
        raise RowRejected("；".join(m for _k, _s, m in found) if len(found) > 1 else message, key)

    def natural_key(self, prepared: PersonRow) -> str:
        return prepared.digest

    # --- comparing with what is stored ---------------------------------------------------------
    def existing(self, chunk: list[PersonRow], ctx: Context) -> dict[str, dict]:
        # The people by their digests alone (index probes), then the households of those found: joined
        # in one query, PostgreSQL hashes the whole household table for every chunk.
        rows = list(
            Person.objects.filter(resident_id_digest__in=any_of([p.digest for p in chunk])).values(
                "pk",
                "resident_id_digest",
                "name",
                "relation",
                "ethnicity",
                "phone_ciphertext",
                "phone_masked",
                "household_id",
            )
        )
        if rows:
            households = {
                household["pk"]: household
                for household in Household.objects.filter(
                    pk__in=any_of(list({row["household_id"] for row in rows}), integers=True)
                ).values("pk", "number", "village_group_id", "village_group__path")
            }
            for row in rows:
                household = households[row["household_id"]]
                row["household__number"] = household["number"]
                row["household__village_group_id"] = household["village_group_id"]
                row["household__village_group__path"] = household["village_group__path"]
        current = {row["resident_id_digest"]: row for row in rows}
        # The stored households this chunk names, kept for ``write`` (which runs next, on this chunk),
        # and the heads already stored for those its rows make head of (one head per household).
        households = ctx.cache["chunk_households"] = _household_ids({(p.group_id, p.household_number) for p in chunk})
        stored_heads = ctx.cache.setdefault("stored_heads", {})
        headed = {(p.group_id, p.household_number) for p in chunk if p.relation == Person.Relation.HEAD}
        key_of = {pk: key for key, pk in households.items() if key in headed}
        if key_of:
            heads = Person.objects.filter(
                relation=Person.Relation.HEAD, household_id__in=any_of(list(key_of), integers=True)
            ).values_list("household_id", "resident_id_digest")
            for household_id, digest in heads:
                stored_heads[key_of[household_id]] = digest
        return current

    def _check_head(self, prepared: PersonRow, ctx: Context) -> None:
        if prepared.relation != Person.Relation.HEAD:
            return
        where = (prepared.group_id, prepared.household_number)
        other = ctx.cache["heads"].get(where) or ctx.cache.get("stored_heads", {}).get(where)
        if other is not None and other != prepared.digest:
            raise RowRejected(
                _("户编号%(number)s已有户主,一户只能有一位户主") % {"number": prepared.household_number}, "relation"
            )
        ctx.cache["heads"][where] = prepared.digest

    def classify(self, prepared: PersonRow, current: dict | None, ctx: Context) -> str:
        self._check_head(prepared, ctx)
        if current is None:
            return "create"
        if not current["household__village_group__path"].startswith(ctx.cache["scope_path"]):
            raise RowRejected(_("该身份证号码已在其他村登记,不能在此导入"), "resident_id")
        stored_phone = (
            crypto.decrypt(current["phone_ciphertext"], purpose=PHONE_PURPOSE) if current["phone_ciphertext"] else None
        )
        changed = (
            current["name"] != prepared.name
            or current["relation"] != prepared.relation
            or current["ethnicity"] != prepared.ethnicity
            or current["household__village_group_id"] != prepared.group_id
            or current["household__number"] != prepared.household_number
            or stored_phone != prepared.phone
        )
        return "update" if changed else "unchanged"

    # --- writing -------------------------------------------------------------------------------
    # New rows go in as plain tuples in one statement per chunk (COPY on PostgreSQL, executemany
    # elsewhere), never as a model instance per row, which cost more than everything else in the
    # commit; ``insert_rows`` hands back their ids, for the undo records.
    def _households(self, rows: list[PersonRow], written: Written, ctx: Context) -> dict[tuple[int, str], int]:
        wanted = {(p.group_id, p.household_number): p for p in rows}
        known = ctx.cache.pop("chunk_households", None)  # what ``existing`` found for this chunk
        found = _household_ids(wanted) if known is None else {key: known[key] for key in wanted if key in known}
        missing = [(key, p) for key, p in wanted.items() if key not in found]
        if missing:
            now = _db_now(Household)
            ids = insert_rows(
                Household,
                HOUSEHOLD_INSERT,
                [(now, now, group_id, number, p.address) for (group_id, number), p in missing],
                new_ids=True,
            )
            for (key, _p), pk in zip(missing, ids, strict=True):
                found[key] = pk
            written.created.extend(("people.household", pk) for pk in ids)
        return found

    def _insert_people(self, creates: list[PersonRow], households: dict, written: Written) -> None:
        now = _db_now(Person)
        adapt_date = _connection(Person).ops.adapt_datefield_value
        rows = [
            (
                now,
                now,
                households[(p.group_id, p.household_number)],
                p.name,
                p.relation,
                p.id_ciphertext,
                p.digest,
                p.id_masked,
                p.gender,
                adapt_date(p.birth_date),
                p.ethnicity,
                p.phone_ciphertext,
                p.phone_masked,
            )
            for p in creates
        ]
        written.created.extend(("people.person", pk) for pk in insert_rows(Person, PERSON_INSERT, rows, new_ids=True))

    def write(self, creates: list[PersonRow], updates: list[tuple[PersonRow, dict]], ctx: Context) -> Written:
        written = Written()
        households = self._households([*creates, *(p for p, _c in updates)], written, ctx)
        if creates:
            self._insert_people(creates, households, written)
        changed = []
        now = timezone.now()
        for prepared, current in updates:
            before = {
                "name": current["name"],
                "relation": current["relation"],
                "ethnicity": current["ethnicity"],
                "household_id": current["household_id"],
                "phone_ciphertext": _b64(current["phone_ciphertext"]),
                "phone_masked": current["phone_masked"],
            }
            written.updated.append(("people.person", current["pk"], before))
            changed.append(
                Person(
                    pk=current["pk"],
                    name=prepared.name,
                    relation=prepared.relation,
                    ethnicity=prepared.ethnicity,
                    household_id=households[(prepared.group_id, prepared.household_number)],
                    phone_ciphertext=prepared.phone_ciphertext,
                    phone_masked=prepared.phone_masked,
                    updated_at=now,
                )
            )
        Person.objects.bulk_update(
            changed,
            ["name", "relation", "ethnicity", "household_id", "phone_ciphertext", "phone_masked", "updated_at"],
            batch_size=500,
        )
        # members came or moved: the figures kept per household (the landless register) follow
        households_changed(
            [households[(p.group_id, p.household_number)] for p in creates]
            + [c["household_id"] for _p, c in updates]
            + [p.household_id for p in changed]
        )
        if ctx.batch is not None and (creates or changed):
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={"persons_created": ["0", str(len(creates))], "persons_updated": ["0", str(len(changed))]},
            )
        return written

    def undo(self, created: list[tuple[str, int]], updated, ctx: Context) -> None:
        created_people = [pk for model, pk in created if model == "people.person"]
        created_households = [pk for model, pk in created if model == "people.household"]
        updated = list(updated)
        since = ctx.batch.committed_at
        touched = Person.objects.filter(pk__in=[pk for _m, pk, _b in updated] + created_people, updated_at__gt=since)
        if touched.exists():
            raise DomainError(
                _("本批导入的%(n)d条人口记录在导入后又被修改过,撤销会丢失这些修改,不能整批撤销")
                % {"n": touched.count()}
            )
        with transaction.atomic():
            moved = set(Person.objects.filter(pk__in=created_people).values_list("household_id", flat=True))
            Person.objects.filter(pk__in=created_people).delete()
            restored = []
            for _model, pk, before in updated:
                restored.append(
                    Person(
                        pk=pk,
                        name=before["name"],
                        relation=before["relation"],
                        ethnicity=before["ethnicity"],
                        household_id=before["household_id"],
                        phone_ciphertext=_unb64(before["phone_ciphertext"]),
                        phone_masked=before["phone_masked"],
                        updated_at=timezone.now(),
                    )
                )
            Person.objects.bulk_update(
                restored,
                ["name", "relation", "ethnicity", "household_id", "phone_ciphertext", "phone_masked", "updated_at"],
                batch_size=500,
            )
            moved |= {before["household_id"] for _m, _pk, before in updated}
            moved |= {p.household_id for p in restored}
            households_changed(moved)
            Household.objects.filter(pk__in=created_households, members__isnull=True).delete()
            audit_batch(
                instance=ctx.batch,
                actor=ctx.user,
                changes={
                    "persons_removed": [str(len(created_people)), "0"],
                    "persons_restored": ["0", str(len(restored))],
                },
            )


# The columns a new row gets, in the order of the tuples built above (names from the models' _meta).
HOUSEHOLD_INSERT = ("created_at", "updated_at", "village_group", "number", "address")
PERSON_INSERT = (
    "created_at",
    "updated_at",
    "household",
    "name",
    "relation",
    "resident_id_ciphertext",
    "resident_id_digest",
    "resident_id_masked",
    "gender",
    "birth_date",
    "ethnicity",
    "phone_ciphertext",
    "phone_masked",
)


def _connection(model):
    return connections[router.db_for_write(model)]


def _household_ids(keys) -> dict[tuple[int, str], int]:
    """The stored ids of the households ``keys`` names ((village group id, household number) pairs).

    The pairs, as a VALUES list, are joined to the unique (village group, number) index: exact,
    whatever the order of the sheet and however many households are stored (an IN list of groups
    and one of numbers would cross them). NOT (number = '') makes that partial index usable; slices
    of 500 pairs keep PostgreSQL on index lookups (with 2000 it scans the whole table)."""
    keys = list(keys)
    connection = _connection(Household)
    quote = connection.ops.quote_name
    meta = Household._meta
    pk, group_id, number = (quote(meta.get_field(f).column) for f in ("id", "village_group", "number"))
    found: dict[tuple[int, str], int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            cursor.execute(
                f"WITH wanted (g, n) AS (VALUES {', '.join(['(%s, %s)'] * len(part))}) "  # nosec B608  # identifiers from _meta, quoted; keys bound
                f"SELECT h.{pk}, h.{group_id}, h.{number} FROM wanted "
                f"JOIN {quote(meta.db_table)} h ON h.{group_id} = CAST(wanted.g AS BIGINT) AND h.{number} = wanted.n "
                f"WHERE NOT (h.{number} = '')",
                [value for key in part for value in key],
            )
            found.update(((group, num), household_id) for household_id, group, num in cursor.fetchall())
    return found


def _db_now(model):
    """The current time as the model's database stores it (the rows written skip the model)."""
    return _connection(model).ops.adapt_datetimefield_value(timezone.now())


def _b64(value: bytes | memoryview | None) -> str | None:
    return base64.b64encode(bytes(value)).decode() if value else None


def _unb64(value: str | None) -> bytes | None:
    return base64.b64decode(value) if value else None
