from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lianxin.accounts.models import User
from lianxin.core.errors import DomainError
from lianxin.land import gis


class Command(BaseCommand):
    help = (
        "Import parcel geometries (GeoJSON or a zipped Shapefile) into a project as the given user, as the map's "
        "import page does: a dry run with --dry-run, otherwise all features or none. Exits 1 when features are rejected."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="account whose role and scope the import runs under")
        parser.add_argument("--project", required=True, help="the project (name or id)")
        parser.add_argument("--dry-run", action="store_true", help="check every feature, write nothing")
        parser.add_argument("--epsg", help="the coordinate system when the file has no .prj (e.g. 4543)")
        parser.add_argument("--code-field", help="the attribute holding the parcel code")
        parser.add_argument("--group-field", help="the attribute holding the village group")
        parser.add_argument("--class-field", help="the attribute holding the land class")
        parser.add_argument("--area-field", help="the attribute holding the surveyed area (unit: --area-unit)")
        parser.add_argument("--area-unit", choices=("亩", "平方米", "公顷"), help="unit of an area field naming none")
        parser.add_argument("--repair", action="store_true", help="repair invalid polygons instead of refusing them")

    def handle(self, *args, file: Path, user: str, project: str, dry_run: bool, **options) -> None:
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"no active account named {user}")
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        projects = gis.upload_project_list(user=account)
        target = (projects.filter(pk=int(project)).first() if project.isdigit() else None) or projects.filter(
            name=project
        ).first()
        if target is None:
            raise CommandError(f"project {project!r} does not exist or is outside the user's scope")
        try:
            report = gis.parcel_geometry_import(
                project=target,
                data=file.read_bytes(),
                filename=file.name,
                actor=account,
                epsg=options.get("epsg") or None,
                code_field=options.get("code_field") or None,
                dry_run=dry_run,
                repair=options.get("repair", False),
                area_unit=options.get("area_unit") or None,
                mapping={
                    "village_group": options.get("group_field") or "",
                    "land_class": options.get("class_field") or "",
                    "area": options.get("area_field") or "",
                    **(
                        {"unit": options["area_unit"]} if options.get("area_field") and options.get("area_unit") else {}
                    ),
                },
            )
        except gis.GeometryImportRejected as exc:
            self.stdout.write(f"rejected: {len(exc.problems)}")
            for problem in exc.problems:
                self.stdout.write(f"  {problem}")
            raise CommandError("features rejected") from exc
        except (PermissionDenied, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        w = self.stdout.write
        w(f"source crs: {report.source_crs}{' (guessed)' if report.crs_guessed else ''}")
        w(f"features: {report.features}")
        w(f"updated: {len(report.updated)}  {', '.join(report.updated)}")
        w(f"created: {len(report.created)}  {', '.join(report.created)}")
        w(f"computed area (mu): {report.computed_area_mu}")
        if report.mapping:
            w("fields: " + ", ".join(f"{role}={name}" for role, name in report.mapping.items()))
        for r in report.rows:
            surveyed = "—" if r.area_mu is None else f"{r.area_mu}"
            difference = "—" if r.difference_mu is None else f"{r.difference_mu:+}"
            flag = "  beyond tolerance" if r.flagged else ""
            w(
                f"  feature {r.number} {r.code}: {'new' if r.new else 'matched'}, surveyed {surveyed} mu, "
                f"computed {r.computed_area_mu} mu, difference {difference} mu{flag}"
            )
        for m in report.mismatches:
            w(
                f"  area mismatch {m.code}: surveyed {m.area_mu} mu, computed {m.computed_area_mu} mu ({m.difference_percent}%)"
            )
        w("dry run: nothing written" if dry_run else "written")
