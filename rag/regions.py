"""ONS regions of England and the upper-tier local areas in each.

A question may scope itself by region ("in the North West", "london boroughs"); the
collection's areas are matched against this table. Reference data, not tuned to any
question: the nine ONS regions (formerly Government Office Regions).
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, ...]] = {
    "North East": (
        "Durham", "Darlington", "Gateshead", "Hartlepool", "Middlesbrough", "Newcastle upon Tyne",
        "North Tyneside", "Northumberland", "Redcar and Cleveland", "South Tyneside",
        "Stockton-on-Tees", "Sunderland",
    ),
    "North West": (
        "Blackburn with Darwen", "Blackpool", "Bolton", "Bury", "Cheshire East",
        "Cheshire West and Chester", "Cumbria", "Cumberland", "Westmorland and Furness", "Halton",
        "Knowsley", "Lancashire", "Liverpool", "Manchester", "Oldham", "Rochdale", "Salford",
        "Sefton", "St Helens", "Stockport", "Tameside", "Trafford", "Warrington", "Wigan", "Wirral",
    ),
    "Yorkshire and the Humber": (
        "Barnsley", "Bradford", "Calderdale", "Doncaster", "East Riding of Yorkshire",
        "Kingston upon Hull", "Kirklees", "Leeds", "North East Lincolnshire", "North Lincolnshire",
        "North Yorkshire", "Rotherham", "Sheffield", "Wakefield", "York",
    ),
    "East Midlands": (
        "Derby", "Derbyshire", "Leicester", "Leicestershire", "Lincolnshire", "Northamptonshire",
        "North Northamptonshire", "West Northamptonshire", "Nottingham", "Nottinghamshire",
        "Rutland",
    ),
    "West Midlands": (
        "Birmingham", "Coventry", "Dudley", "Herefordshire", "Sandwell", "Shropshire", "Solihull",
        "Staffordshire", "Stoke-on-Trent", "Telford and Wrekin", "Walsall", "Warwickshire",
        "Wolverhampton", "Worcestershire",
    ),
    "East of England": (
        "Bedford", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire", "Luton",
        "Norfolk", "Peterborough", "Southend-on-Sea", "Suffolk", "Thurrock",
    ),
    "London": (
        "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London",
        "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham",
        "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington",
        "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham",
        "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets",
        "Waltham Forest", "Wandsworth", "Westminster",
    ),
    "South East": (
        "Bracknell Forest", "Brighton and Hove", "Buckinghamshire", "East Sussex", "Hampshire",
        "Isle of Wight", "Kent", "Medway", "Milton Keynes", "Oxfordshire", "Portsmouth", "Reading",
        "Slough", "Southampton", "Surrey", "West Berkshire", "West Sussex",
        "Windsor and Maidenhead", "Wokingham",
    ),
    "South West": (
        "Bath and North East Somerset", "Bournemouth, Christchurch and Poole", "Bournemouth",
        "Poole", "Bristol", "Cornwall", "Isles of Scilly", "Devon", "Dorset", "Gloucestershire",
        "North Somerset", "Plymouth", "Somerset", "South Gloucestershire", "Swindon", "Torbay",
        "Wiltshire",
    ),
}

# Combined authorities (and the metropolitan counties people still name): reference data,
# the member councils as constituted.
COMBINED: dict[str, tuple[str, ...]] = {
    "Greater Manchester": ("Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport",
                           "Tameside", "Trafford", "Wigan"),
    "Liverpool City Region": ("Halton", "Knowsley", "Liverpool", "Sefton", "St Helens", "Wirral"),
    "Merseyside": ("Knowsley", "Liverpool", "Sefton", "St Helens", "Wirral"),
    "West Yorkshire": ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"),
    "South Yorkshire": ("Barnsley", "Doncaster", "Rotherham", "Sheffield"),
    "Tees Valley": ("Darlington", "Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"),
    "West of England": ("Bath and North East Somerset", "Bristol", "South Gloucestershire"),
    "Cambridgeshire and Peterborough": ("Cambridgeshire", "Peterborough"),
    "Black Country": ("Dudley", "Sandwell", "Walsall", "Wolverhampton"),
}

# How people name a region in a question: the name itself, plus common forms.
REGION_NAMES: dict[str, str] = {
    "north east": "North East", "north-east": "North East", "northeast": "North East",
    "north west": "North West", "north-west": "North West", "northwest": "North West",
    "yorkshire and the humber": "Yorkshire and the Humber", "yorkshire": "Yorkshire and the Humber",
    "east midlands": "East Midlands", "west midlands": "West Midlands",
    "midlands": "Midlands",
    "east of england": "East of England", "eastern region": "East of England",
    "london": "London", "london boroughs": "London", "london borough": "London",
    "inner london": "London", "outer london": "London",
    "south east": "South East", "south-east": "South East", "southeast": "South East",
    "south west": "South West", "south-west": "South West", "southwest": "South West",
    "the north": "North", "northern england": "North", "the south": "South",
    "northern": "North", "southern": "South", "southern england": "South",
    # the short forms people type ("nw councils")
    "nw": "North West", "ne": "North East", "sw": "South West", "se": "South East",
    "w mids": "West Midlands", "e mids": "East Midlands", "west mids": "West Midlands",
    "east mids": "East Midlands", "the mids": "Midlands",
    **{name.lower(): name for name in COMBINED},
}

# Groupings of regions a question may use.
_GROUPS = {
    "Midlands": ("East Midlands", "West Midlands"),
    "North": ("North East", "North West", "Yorkshire and the Humber"),
    "South": ("South East", "South West", "London"),
}


def region_areas(region: str) -> tuple[str, ...]:
    """The areas of a region (or of a grouping such as 'Midlands')."""
    if region in REGIONS:
        return REGIONS[region]
    if region in COMBINED:
        return COMBINED[region]
    return tuple(a for r in _GROUPS.get(region, ()) for a in REGIONS[r])


def region_of(area: str) -> str | None:
    for region, areas in REGIONS.items():
        if area in areas:
            return region
    return None
