"""Clinical vocabularies of the synthetic histories (ICD-10-CM, CPT/HCPCS, LOINC, RxNorm),
each entry pre-serialised once as a JSON CodeableConcept so resources are built by
concatenation. Codes are illustrative of real claims data, not a clinical model.
Tables are ``code|display|weight`` (measures: ``code|display|category|unit|low|high|decimals``)."""

from __future__ import annotations

import json
from typing import Final, NamedTuple

from synthetic.rng import Weighted

ICD10: Final = "http://hl7.org/fhir/sid/icd-10-cm"
CPT: Final = "http://www.ama-assn.org/go/cpt"
HCPCS: Final = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
LOINC: Final = "http://loinc.org"
RXNORM: Final = "http://www.nlm.nih.gov/research/umls/rxnorm"


def concept(system: str, code: str, display: str) -> str:
    """A CodeableConcept as compact JSON."""
    body = {"coding": [{"system": system, "code": code, "display": display}], "text": display}
    return json.dumps(body, separators=(",", ":"))


class Measure(NamedTuple):
    code: str  # pre-serialised CodeableConcept
    category: str  # observation-category code
    unit: str  # UCUM
    low: float
    high: float
    decimals: int


def _rows(table: str) -> list[list[str]]:
    return [line.split("|") for line in table.strip().splitlines()]


def _concepts(system: str, table: str) -> Weighted[str]:
    rows = _rows(table)
    return Weighted([concept(system, code, display) for code, display, _ in rows], [float(w) for *_, w in rows])


def _measures(table: str) -> Weighted[Measure]:
    items = [
        Measure(concept(LOINC, code, display), category, unit, float(low), float(high), int(decimals))
        for code, display, category, unit, low, high, decimals in _rows(table)
    ]
    return Weighted(items, [1.0] * len(items))


CONDITIONS: Final = {
    "adult": _concepts(
        ICD10,
        """
I10|Essential (primary) hypertension|6
E11.9|Type 2 diabetes mellitus without complications|4
E78.5|Hyperlipidemia, unspecified|4
M54.50|Low back pain, unspecified|3
K21.9|Gastro-esophageal reflux disease without esophagitis|2
E66.9|Obesity, unspecified|2
J06.9|Acute upper respiratory infection, unspecified|4
N39.0|Urinary tract infection, site not specified|2
M17.11|Unilateral primary osteoarthritis, right knee|1
E03.9|Hypothyroidism, unspecified|1
R51.9|Headache, unspecified|1
J45.909|Unspecified asthma, uncomplicated|1""",
    ),
    "child": _concepts(
        ICD10,
        """
H66.90|Otitis media, unspecified, unspecified ear|4
J06.9|Acute upper respiratory infection, unspecified|5
J02.9|Acute pharyngitis, unspecified|3
L20.9|Atopic dermatitis, unspecified|1
J45.909|Unspecified asthma, uncomplicated|1
R50.9|Fever, unspecified|2""",
    ),
    "BH": _concepts(
        ICD10,
        """
F32.9|Major depressive disorder, single episode, unspecified|4
F41.1|Generalized anxiety disorder|4
F43.10|Post-traumatic stress disorder, unspecified|1
F90.0|Attention-deficit hyperactivity disorder, predominantly inattentive type|1
F31.9|Bipolar disorder, unspecified|1""",
    ),
    "SUD": _concepts(
        ICD10,
        """
F10.20|Alcohol dependence, uncomplicated|4
F11.20|Opioid dependence, uncomplicated|3
F12.20|Cannabis dependence, uncomplicated|2
F14.20|Cocaine dependence, uncomplicated|1""",
    ),
}

VISITS: Final = {  # encounter class (or sensitivity) -> E/M service on the claim
    "AMB": _concepts(
        CPT,
        """
99213|Office or other outpatient visit, established patient, low complexity|5
99214|Office or other outpatient visit, established patient, moderate complexity|3
99203|Office or other outpatient visit, new patient, low complexity|1""",
    ),
    "VR": _concepts(CPT, "99213|Office or other outpatient visit, established patient, low complexity|1"),
    "EMER": _concepts(
        CPT,
        """
99283|Emergency department visit, moderate severity|2
99284|Emergency department visit, high severity|1""",
    ),
    "IMP": _concepts(CPT, "99222|Initial hospital inpatient care, moderate complexity|1"),
    "BH": _concepts(
        CPT,
        """
90834|Psychotherapy, 45 minutes with patient|3
90791|Psychiatric diagnostic evaluation|1""",
    ),
    "SUD": _concepts(
        HCPCS,
        """
H0004|Behavioral health counseling and therapy, per 15 minutes|3
H0020|Alcohol and/or drug services; methadone administration|1""",
    ),
}
CLASS_DISPLAY: Final = {"AMB": "ambulatory", "VR": "virtual", "EMER": "emergency", "IMP": "inpatient encounter"}

PROCEDURES: Final = {
    "general": _concepts(
        CPT,
        """
36415|Collection of venous blood by venipuncture|5
93000|Electrocardiogram, routine, with interpretation and report|2
71046|Radiologic examination, chest; 2 views|2
45378|Colonoscopy, flexible; diagnostic|1
20610|Arthrocentesis, aspiration and/or injection, major joint or bursa|1
90471|Immunization administration|3""",
    ),
    "BH": _concepts(
        CPT,
        """
96127|Brief emotional/behavioral assessment|2
90834|Psychotherapy, 45 minutes with patient|1""",
    ),
    "SUD": _concepts(
        HCPCS,
        """
H0001|Alcohol and/or drug assessment|2
H0020|Alcohol and/or drug services; methadone administration|1""",
    ),
}

MEASURES: Final = {
    "adult": _measures("""
8480-6|Systolic blood pressure|vital-signs|mm[Hg]|98|165|0
8462-4|Diastolic blood pressure|vital-signs|mm[Hg]|58|102|0
29463-7|Body weight|vital-signs|kg|48|135|1
39156-5|Body mass index (BMI) [Ratio]|vital-signs|kg/m2|18|41|1
8867-4|Heart rate|vital-signs|/min|52|104|0
4548-4|Hemoglobin A1c/Hemoglobin.total in Blood|laboratory|%|4.6|10.5|1
2093-3|Cholesterol [Mass/volume] in Serum or Plasma|laboratory|mg/dL|130|290|0
2345-7|Glucose [Mass/volume] in Serum or Plasma|laboratory|mg/dL|68|210|0"""),
    "child": _measures("""
29463-7|Body weight|vital-signs|kg|3|70|1
8302-2|Body height|vital-signs|cm|50|180|1
8867-4|Heart rate|vital-signs|/min|70|140|0
8310-5|Body temperature|vital-signs|Cel|36.1|39.4|1"""),
    "BH": _measures("44261-6|Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]|survey|{score}|0|27|0"),
    "SUD": _measures("75626-2|Total score [AUDIT-C]|survey|{score}|0|12|0"),
}

MEDICATIONS: Final = {
    "adult": _concepts(
        RXNORM,
        """
314076|lisinopril 10 MG Oral Tablet|4
197361|amlodipine 5 MG Oral Tablet|3
860975|24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet|3
617312|atorvastatin 10 MG Oral Tablet|3
308191|amoxicillin 500 MG Oral Capsule|2
310965|ibuprofen 200 MG Oral Tablet|1
745679|albuterol 0.09 MG/ACTUAT Metered Dose Inhaler|1""",
    ),
    "child": _concepts(
        RXNORM,
        """
308182|amoxicillin 250 MG Oral Capsule|3
745679|albuterol 0.09 MG/ACTUAT Metered Dose Inhaler|1""",
    ),
    "BH": _concepts(
        RXNORM,
        """
312940|sertraline 50 MG Oral Tablet|3
310385|fluoxetine 20 MG Oral Capsule|2""",
    ),
    "SUD": _concepts(RXNORM, "1010600|buprenorphine 2 MG / naloxone 0.5 MG Sublingual Film|1"),
}

PRIOR_AUTH_SERVICES: Final = {
    "general": _concepts(
        CPT,
        """
72148|Magnetic resonance imaging, lumbar spine; without contrast|4
70553|Magnetic resonance imaging, brain; without contrast, followed by contrast|2
27447|Arthroplasty, knee, condyle and plateau (total knee arthroplasty)|1
97110|Therapeutic exercises, each 15 minutes|3""",
    ),
    "BH": _concepts(CPT, "90837|Psychotherapy, 60 minutes with patient|1"),
    "SUD": _concepts(HCPCS, "H0015|Alcohol and/or drug services; intensive outpatient|1"),
}

PROVIDERS: Final = {  # (NPI, name) by kind of care
    "general": [
        ("1093817465", "Lakeside Family Medicine"),
        ("1184726359", "Riverbend Medical Group"),
        ("1275635248", "Northgate Internal Medicine"),
        ("1366544137", "Cedar Valley Pediatrics"),
        ("1457453026", "St. Anne Regional Hospital"),
        ("1548361915", "Summit Orthopedics"),
    ],
    "BH": [("1639270804", "Harbor Behavioral Health"), ("1720189793", "Clearwater Counseling Associates")],
    "SUD": [("1811098682", "New Path Recovery Center"), ("1902907571", "Bridgeway Addiction Services")],
}
