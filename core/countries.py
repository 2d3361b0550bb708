"""The world's states by the names and adjectives a question or the record may use for them ('Vietnam',
'Vietnamese'). The whole list, not the ones the study mentions: whether a country is on record is for the
record to say."""

from __future__ import annotations

import functools
import re

from core.text import tokens

_STATES = """Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina|
Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cabo Verde|Cambodia|Cameroon|Canada|Central African Republic|
Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czechia|Czech Republic|Denmark|Djibouti|
Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|
Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|
Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|
Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|
Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|Niger|
Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saint Lucia|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|
Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Korea|Korea|
South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|
Timor-Leste|East Timor|Togo|Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|Britain|United States|America|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|
Vietnam|Viet Nam|Yemen|Zambia|Zimbabwe"""
# Adjectives a question uses for a state ('the Vietnamese coast guard'), with the state they name.
_ADJECTIVES = {
    "Afghan": "Afghanistan", "American": "United States", "Australian": "Australia", "Bangladeshi": "Bangladesh",
    "Brazilian": "Brazil", "British": "United Kingdom", "Bruneian": "Brunei", "Burmese": "Myanmar",
    "Cambodian": "Cambodia", "Canadian": "Canada", "Chinese": "China", "Dutch": "Netherlands", "Fijian": "Fiji",
    "French": "France", "German": "Germany", "Indian": "India", "Indonesian": "Indonesia", "Iranian": "Iran",
    "Israeli": "Israel", "Italian": "Italy", "Japanese": "Japan", "Korean": "Korea", "Lao": "Laos",
    "Laotian": "Laos", "Malaysian": "Malaysia", "Mexican": "Mexico", "Mongolian": "Mongolia", "Nepali": "Nepal",
    "Pakistani": "Pakistan", "Filipino": "Philippines", "Philippine": "Philippines", "Russian": "Russia",
    "Saudi": "Saudi Arabia", "Singaporean": "Singapore", "Spanish": "Spain", "Sri Lankan": "Sri Lanka",
    "Swedish": "Sweden", "Taiwanese": "Taiwan", "Thai": "Thailand", "Timorese": "Timor-Leste",
    "Tongan": "Tonga", "Turkish": "Turkey", "Ukrainian": "Ukraine", "Vietnamese": "Vietnam",
    "US": "United States", "USA": "United States", "UK": "United Kingdom", "PH": "Philippines",
    # A state's forces by acronym name it too: 'how many *PAF* personnel' asks for the Philippines' own.
    "SDF": "Japan", "JSDF": "Japan", "JGSDF": "Japan", "JMSDF": "Japan", "JASDF": "Japan", "JCG": "Japan",
    "AFP": "Philippines", "PAF": "Philippines", "PCG": "Philippines", "PN": "Philippines", "USMC": "United States",
}
STATES = tuple(" ".join(name.split()) for name in _STATES.split("|"))
_NAMES = sorted({*STATES, *_ADJECTIVES}, key=len, reverse=True)  # the longest first: 'South Korea' before 'Korea'
_STATE = re.compile(r"\b(" + "|".join(re.escape(n) for n in _NAMES) + r")\b")


@functools.lru_cache(maxsize=1 << 14)  # the record's sentences are read for every question that names a state
def states_named(text: str) -> tuple[str, ...]:
    """The states ``text`` names, by name or adjective, each once, as its name: 'Vietnamese' -> 'Vietnam'."""
    return tuple(dict.fromkeys(_ADJECTIVES.get(m, m) for m in _STATE.findall(text)))


def names_states(text: str, states: set[str]) -> bool:
    """``text`` names every one of ``states`` (by name or adjective)."""
    return states <= set(states_named(text))


def demonyms(states: frozenset[str]) -> set[str]:
    """The words for the people of ``states``, as tokens ('Australia' -> 'australian')."""
    return {t for adjective, state in _ADJECTIVES.items() if state in states for t in tokens(adjective)}
