"""The figures of the apps the reports were built with: regions, people and enterprises (overview),
land acquisition and cases. Registered once, from ``ReportsConfig.ready()``; apps added later
(Party, livelihood) register theirs from their own ``AppConfig.ready()``."""

_registered = False


def register_core_figures() -> None:
    global _registered
    if _registered:
        return
    from . import cases, land, overview

    overview.register_figures()
    land.register_figures()
    cases.register_figures()
    _registered = True
