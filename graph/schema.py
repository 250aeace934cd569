"""The graph's closed vocabulary: node labels, relationship types, statuses.

Labels and relationship types are the only identifiers ever placed into
Cypher text by code (Cypher cannot parameterise them); they come from these
tables, never from user input. Values always travel as parameters.
"""

from __future__ import annotations

# Every node carries this label as well, so one index/constraint on `id`
# covers lookups whatever the node's kind.
BASE_LABEL = "Entity"

# Primary node labels -> what they mean.
NODE_LABELS: dict[str, str] = {
    "Organisation": "one real body (plus a kind label such as StatutoryBody)",
    "OrganisationType": "a class of bodies, e.g. integrated care board",
    "Statute": "an Act of Parliament",
    "StatuteSection": "a section of an Act, or arrangements made under it",
    "Policy": "a white paper, strategy, guidance document, duty or programme",
    "Service": "something that is commissioned (hierarchy via PART_OF)",
    "Budget": "an amount of money with its fiscal year and holder",
    "Delegation": "a delegation of a function, as a first-class record",
    "Arrangement": "a pooling, co-commissioning or devolution agreement",
    "Area": "a geography",
    "Count": "how many bodies of a type existed at a time",
    "Source": "a document facts are cited from",
}

# Kind labels an Organisation may carry in addition to `Organisation`.
ORGANISATION_KINDS: dict[str, str] = {
    "StatutoryBody": "a body created by statute (NHS England, an ICB)",
    "GovernmentDepartment": "a ministerial department",
    "LocalAuthority": "a council",
    "Committee": "a committee or board of another body",
    "Partnership": "a partnership or alliance of bodies",
    "Regulator": "a sector regulator",
    "Office": "an office held by a person (Secretary of State, CMO)",
    "Legislature": "Parliament",
    "Provider": "a body that provides services",
    "ExecutiveAgency": "an executive agency of a department",
    "SupportOrganisation": "a body that supports commissioners",
    "Government": "the national government as a whole (HM Government)",
    "SubICBLocation": "a sub-ICB location: the place-level part of an ICB that carries a former CCG's code (from 2022-07-01)",
    "NHSEnglandTeam": "a part of NHS England: a commissioning region, a 2013 area team or a local office",
}

ALL_LABELS: frozenset[str] = frozenset(NODE_LABELS) | frozenset(ORGANISATION_KINDS) | {BASE_LABEL}

# Relationship types -> meaning. Direction is always (from)-[TYPE]->(to).
REL_TYPES: dict[str, str] = {
    "ACCOUNTABLE_TO": "the from-body answers to the to-body",
    "COMMISSIONS": "the from-body commissions the service (property `basis`)",
    "DELEGATES_TO": "derived from a Delegation record: delegator -> delegate, for path queries",
    "INSTANCE_OF": "a real body is one of a type",
    "PART_OF": "component of (service hierarchy, committee of a body, area within area, budget within budget)",
    "MEMBER_OF": "member of a partnership, group or board",
    "ESTABLISHED_BY": "created or put on a statutory footing by a statute or policy",
    "ABOLISHED_BY": "abolished by a statute",
    "SUCCEEDED_BY": "the from-body (or type) was replaced by the to-body (or type)",
    "RENAMED_TO": "the from-name became the to-name (same body)",
    "FUNDS": "a budget pays for a service or function",
    "HELD_BY": "a budget is held by a body or type",
    "ALLOCATED_BY": "a budget is allocated or granted by a body",
    "REGULATES": "the from-body regulates the to-body or sector",
    "ASSURES": "the from-body assures the quality of the to-body's commissioning",
    "SUPPORTS": "the from-body supports the to-body",
    "ADVISES": "the from-body advises the to-body",
    "COVERS_AREA": "a body or arrangement covers an area",
    "PARTY_TO": "a body is a party to an arrangement",
    "DELEGATED_BY": "a Delegation record -> the body that delegates",
    "DELEGATED_TO": "a Delegation record -> the body or type that receives the function",
    "DELEGATES_SERVICE": "a Delegation record -> a service or function it covers",
    "UNDER_POWER": "a Delegation or arrangement -> the statute or section that enables it",
    "ACCOUNTABILITY_RETAINED_BY": "a Delegation record -> who stays formally accountable",
    "COUNT_OF": "a Count -> the type it counts",
    "SETS_OUT": "a policy or statute sets out or requires the to-thing",
    "HAS_REGARD_TO": "the from-body must have regard to the to-policy",
    "PRODUCES": "the from-body develops or produces the to-policy or plan",
    "PROVIDES": "the from-body provides (delivers) the service itself rather than commissioning it",
    "COLLABORATES_WITH": "the from-body works in partnership with the to-body (property `purpose`)",
    "FUNDED_BY": "the from-body receives funding or income from the to-body",
    "NOMINATES_MEMBER_TO": "the from-body nominates member(s) of the to-body's board (property `minimum`)",
    "ENABLED_BY": "the from-thing is permitted or made possible by the to-statute (without being created by it)",
    "APPLIES_TO": "a policy, duty, framework or funding rule applies to the to-body or type",
    "BASED_ON": "the from-plan or strategy builds on the to-plan or assessment",
    "INVOLVED_IN": "the from-body is involved in or contributes to the to-plan, partnership or initiative",
    "SETS_UP": "the from-body sets up or develops the to-body",
    "TRANSFERS_STAFF_TO": "the from-body transfers staff working on a function to the to-body (property `function`)",
    "SUBCLASS_OF": "the from-type is a narrower class of the to-type",
    "WITHIN_AREA_OF": "the from-body (a trust, a council) sits in the area of the to-body (an ICB); property `derived` marks best-fit mappings",
}

STATUSES: tuple[str, ...] = ("in_force", "planned", "proposed", "delayed", "superseded", "disputed")

COMMISSIONING_BASES: tuple[str, ...] = ("statutory", "delegated", "co-commissioned", "direct", "joint")

# Relationship types a real body inherits from the type it is an INSTANCE_OF
# (materialised at ingest as derived edges, see ingest/derive.py).
INHERITED_BY_INSTANCES: tuple[str, ...] = (
    "ACCOUNTABLE_TO",
    "COMMISSIONS",
    "ESTABLISHED_BY",
    "ABOLISHED_BY",
    "ASSURES",
    "MEMBER_OF",
    "DELEGATES_TO",
)

ID_PREFIXES: dict[str, str] = {
    "org": "Organisation",
    "type": "OrganisationType",
    "statute": "Statute",
    "section": "StatuteSection",
    "policy": "Policy",
    "service": "Service",
    "budget": "Budget",
    "delegation": "Delegation",
    "arrangement": "Arrangement",
    "area": "Area",
    "count": "Count",
    "source": "Source",
}
