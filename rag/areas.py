"""English local areas (upper-tier local authorities), their canonical spellings and aliases.

Used twice: ingestion canonicalises the area a letter names ("Kingston Upon Hull",
"Hull" -> "Kingston upon Hull"), and question understanding recognises an area the
user names that the collection does not hold (so it can abstain, not guess).
"""

from __future__ import annotations

import re

LOCAL_AREAS: tuple[str, ...] = (
    # Counties
    "Cambridgeshire", "Derbyshire", "Devon", "East Sussex", "Essex", "Gloucestershire",
    "Hampshire", "Hertfordshire", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Norfolk", "North Yorkshire", "Nottinghamshire", "Oxfordshire", "Somerset", "Staffordshire",
    "Suffolk", "Surrey", "Warwickshire", "West Sussex", "Worcestershire", "Cumbria",
    "Northamptonshire", "Buckinghamshire", "Dorset", "Wiltshire", "Cornwall", "Shropshire",
    "Herefordshire", "Durham", "Northumberland", "Isles of Scilly", "Isle of Wight", "Rutland",
    "Cheshire East", "Cheshire West and Chester", "Bedford", "Central Bedfordshire", "Luton",
    "Westmorland and Furness", "Cumberland", "North Northamptonshire", "West Northamptonshire",
    "Bournemouth, Christchurch and Poole", "Poole", "Bournemouth",
    # Unitary authorities
    "Bath and North East Somerset", "Blackburn with Darwen", "Blackpool", "Brighton and Hove",
    "Bristol", "Darlington", "Derby", "East Riding of Yorkshire", "Halton", "Hartlepool",
    "Kingston upon Hull", "Leicester", "Medway", "Middlesbrough", "Milton Keynes",
    "North East Lincolnshire", "North Lincolnshire", "North Somerset", "Nottingham",
    "Peterborough", "Plymouth", "Portsmouth", "Reading", "Redcar and Cleveland", "Slough",
    "South Gloucestershire", "Southampton", "Southend-on-Sea", "Stockton-on-Tees",
    "Stoke-on-Trent", "Swindon", "Telford and Wrekin", "Thurrock", "Torbay", "Warrington",
    "West Berkshire", "Windsor and Maidenhead", "Wokingham", "York", "Bracknell Forest",
    # Metropolitan boroughs
    "Barnsley", "Birmingham", "Bolton", "Bradford", "Bury", "Calderdale", "Coventry",
    "Doncaster", "Dudley", "Gateshead", "Kirklees", "Knowsley", "Leeds", "Liverpool",
    "Manchester", "Newcastle upon Tyne", "North Tyneside", "Oldham", "Rochdale", "Rotherham",
    "Salford", "Sandwell", "Sefton", "Sheffield", "Solihull", "South Tyneside", "St Helens",
    "Stockport", "Sunderland", "Tameside", "Trafford", "Wakefield", "Walsall", "Wigan",
    "Wirral", "Wolverhampton",
    # London boroughs
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden",
    "City of London", "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney",
    "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
    "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham",
    "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
    "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
)

ALIASES: dict[str, str] = {
    "hull": "Kingston upon Hull",
    "city of york": "York",
    "bristol city": "Bristol",
    "city of bristol": "Bristol",
    "county durham": "Durham",
    "bcp": "Bournemouth, Christchurch and Poole",
    "southend": "Southend-on-Sea",
    "richmond": "Richmond upon Thames",
    "kingston": "Kingston upon Thames",
    "newcastle": "Newcastle upon Tyne",
    "herefordshire council": "Herefordshire",
    "st. helens": "St Helens",
    "the wirral": "Wirral",
    "royal borough of greenwich": "Greenwich",
    # The counties' customary short forms, as people type them ("herts", "notts").
    "bucks": "Buckinghamshire", "cambs": "Cambridgeshire", "derbys": "Derbyshire",
    "glos": "Gloucestershire", "hants": "Hampshire", "herts": "Hertfordshire", "lancs": "Lancashire",
    "leics": "Leicestershire", "lincs": "Lincolnshire", "notts": "Nottinghamshire", "oxon": "Oxfordshire",
    "shrops": "Shropshire", "staffs": "Staffordshire", "warks": "Warwickshire", "wilts": "Wiltshire",
    "worcs": "Worcestershire",
}


def area_key(name: str) -> str:
    """Compare area names ignoring case, hyphens, 'the', 'city of', 'borough' and punctuation."""
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[-'.,]", " ", s)
    s = re.sub(r"\b(the|royal|london|borough|of|council|metropolitan|county|city)\b", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_BY_KEY = {area_key(a): a for a in LOCAL_AREAS}
_BY_KEY.update({area_key(k): v for k, v in ALIASES.items()})


def canonical_area(name: str) -> str:
    """The canonical spelling of a local area's name; unknown names come back tidied."""
    cleaned = re.sub(r"\s+", " ", name).strip(" .,;:")
    cleaned = re.sub(r"\s+local\s+area\s+partnership$", "", cleaned, flags=re.I)
    return _BY_KEY.get(area_key(cleaned), cleaned)


def known_area_names() -> dict[str, str]:
    """Lower-case surface form -> canonical name, for finding areas named in a question."""
    names = {a.lower(): a for a in LOCAL_AREAS}
    names.update(ALIASES)
    return names
