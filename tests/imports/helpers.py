"""A small valid extract of one provider, written to a folder; each test breaks what it is about."""

import csv
import datetime as dt
from pathlib import Path

from assessments.current_view_items import ALL_ITEMS
from imports.files import CONTACTS, CURRENT_VIEWS, PATIENTS, REFERRALS, STAFF, FileSpec
from tests import factories


def rows(service: dict) -> dict[FileSpec, list[dict[str, str]]]:
    """Two patients, a practitioner, a referral each, two contacts and a Current View; all valid."""
    team, icb = service["team_a"].code, service["commissioner"].code
    numbers = [factories.next_nhs_number(), factories.next_nhs_number()]
    today = dt.date.today()
    return {
        PATIENTS: [
            {
                "LocalPatientId": f"P{n}",
                "NHSNumber": numbers[n],
                "PersonBirthDate": "2012-03-04",
                "Gender": "2",
                "EthnicCategory": "A",
                "Postcode": "LS1 4AP",
                "GivenName": f"Alex{n}",
                "FamilyName": "Smith",
            }
            for n in range(2)
        ],
        STAFF: [
            {
                "CareProfLocalId": "S1",
                "GivenName": "Sam",
                "FamilyName": "Nurse",
                "ProfessionCode": "mh_nurse",
                "TeamCode": team,
            }
        ],
        REFERRALS: [
            {
                "ServiceRequestId": f"R{n}",
                "LocalPatientId": f"P{n}",
                "TeamCode": team,
                "OrgIDComm": icb,
                "ReferralRequestReceivedDate": "2024-01-10",
                "SourceOfReferral": "gp",
                "AcceptedDate": "2024-01-20",
                "ServDischDate": "",
                "DischargeReason": "",
            }
            for n in range(2)
        ],
        CONTACTS: [
            {
                "CareContactId": f"C{n}",
                "ServiceRequestId": "R0",
                "CareContDate": f"2024-02-0{n + 1}",
                "CareContTime": "10:30",
                "ClinContDurOfCareCont": "60",
                "AttendOrDNACode": "5",
                "ConsMechanismMH": "01",
                "CareProfLocalId": "S1",
            }
            for n in range(2)
        ],
        CURRENT_VIEWS: [
            {
                "AssessmentId": "A0",
                "ServiceRequestId": "R0",
                "CompletedDate": "2024-02-01",
                "CareProfLocalId": "S1",
                **dict.fromkeys(ALL_ITEMS, "0"),
                "p09": "Moderate",
            }
        ],
    } | ({} if today.year >= 2024 else {})


def write(folder: Path, files: dict[FileSpec, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for spec, data in files.items():
        with open(folder / spec.name, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(spec.columns), lineterminator="\n")
            writer.writeheader()
            writer.writerows(data)
    return folder
