"""Which memberships get a FHIR history (all, switchers' or none) and what each history
starts from: the membership and the demographics of its record in the enrolling system."""

from __future__ import annotations

from synthetic.config import GeneratorConfig, HistoryScope, payer_id
from synthetic.enrollment import Enrollment
from synthetic.fhir_member import MemberView, payer_name
from synthetic.people import Population, person_id
from synthetic.records import Records


def selected_memberships(cfg: GeneratorConfig, enrollment: Enrollment, switchers: set[int]) -> list[int]:
    if cfg.history is HistoryScope.NONE:
        return []
    if cfg.history is HistoryScope.ALL:
        return list(range(len(enrollment.memberships)))
    return [i for i, m in enumerate(enrollment.memberships) if m.person in switchers]


def member_views(
    cfg: GeneratorConfig, pop: Population, enrollment: Enrollment, records: Records, selected: list[int]
) -> dict[str, list[MemberView]]:
    """Views per payer, ordered by member id (then coverage start) as the files are sorted."""
    rows, ids = records.rows, records.rows["record_id"]
    subscriber_record: list[str] = []
    for ep in enrollment.episodes:
        found = [i for i in ep.members if enrollment.memberships[i].person == ep.subscriber]
        subscriber_record.append(ids[records.primary[found[0]]] if found else "")
    views: dict[str, list[MemberView]] = {payer_id(k): [] for k in range(cfg.payers)}
    for key in selected:
        m = enrollment.memberships[key]
        ep = enrollment.episodes[m.episode]
        r = records.primary[key]
        views[payer_id(ep.payer)].append(
            MemberView(
                key=key,
                payer_id=payer_id(ep.payer),
                payer_name=payer_name(ep.payer),
                member_id=m.member_id,
                subscriber_id=m.subscriber_id,
                relationship=m.relationship,
                record_id=ids[r],
                person_id=person_id(m.person),
                subscriber_record=subscriber_record[m.episode],
                first=rows["first_name"][r],
                middle=rows["middle_name"][r],
                last=rows["last_name"][r],
                suffix=rows["suffix"][r],
                dob=rows["dob"][r],
                sex=rows["sex"][r],
                line1=rows["address_line1"][r],
                line2=rows["address_line2"][r],
                city=rows["city"][r],
                state=rows["state"][r],
                zip=rows["zip"][r],
                phone=rows["phone"][r],
                email=rows["email"][r],
                true_dob=pop.dob[m.person],
                start=m.start,
                end=m.end,
                group_id=ep.group_id,
                plan=ep.plan,
            )
        )
    for members in views.values():
        members.sort(key=lambda v: (v.member_id, v.start, v.key))
    return views
