"""A question as a structure: scope, outcome, clauses (topic, polarity, negation), intent.

Frame words are a closed class and are read with a small grammar here: the wh-frame
("which areas", "how many reports", "where did inspectors find"), scope (areas, excluded
areas, regions, years, framework, latest report per area), outcomes of the frameworks,
question negation ("did not", "weren't"), absence ("no", "lacked", "without") and the
evaluation verbs that attach a topic ("praised for", "criticised over", "concerns
about"). What is left is the topic: an open class, never matched against a word list
but embedded and compared with every sentence (rag/relevance.py).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from rag.areas import known_area_names
from rag.regions import REGION_NAMES, region_areas

_YEAR = r"((?:19|20)\d\d)"
_Y = re.compile(_YEAR)

# ---- the closed classes ----------------------------------------------------------------
_UNIT_AREA = r"(?:local\s+)?(?:areas?|places?|partnerships?|local\s+area\s+partnerships?|councils?|" \
             r"local\s+authorities|authorities|las?|boroughs?|counties|regions?)"
_UNIT_DOC = r"(?:inspections?|letters?|reports?|revisits?|documents?|visits?|" \
            r"inspection\s+(?:letters?|reports?))"
_UNIT = rf"(?:{_UNIT_AREA}|{_UNIT_DOC}|ones)"
_COUNT_RE = re.compile(rf"\bhow\s+many\s+(?:of\s+(?:the(?:se|m)?|those)\s+)?(?:(?:the|local|send|area|joint|full)\s+)*({_UNIT})\b|"
                       rf"\bhow\s+many\s+(?:of\s+(?:the(?:se|m)?|those)\s+)?(?:[\w'-]+\s+){{1,2}}?({_UNIT})\b|"
                       r"\bhow\s+many\s+times\b()|"
                       r"\bhow\s+many\s+(?:is\s+that|are\s+(?:there|those|these|they)|of\s+(?:those|these|them))\b()|"
                       rf"\b(?:number|count|no\.?|proportion|share|percentage|fraction)\s+of\s+(?:the\s+)?({_UNIT})|^\s*count\b|"
                       r"^\W*(?:so\s+|and\s+)?how\s+many\s+(?=(?:had|have|has|got|get|were|was|are|did|received|lacked|"
                       r"lack|needed|need|praised|criticised|criticized|mentioned|mention|struggled|struggle)\b)()|^\W*(?:so\s+|and\s+|ok\s+)?how\s+many\W*$()", re.I)
# "who had long waits?": which areas (not who led an inspection).
_WHO_HAD = r"^[\s,;:]*(?:so\s+|and\s+)?who\s+(?=(?:had|has|have|got|gets|lacked|lacks|needed|needs|received|struggled|struggles)\b)"
_SET_RE = re.compile(
    rf"^[\s,;:]*(?:so\s+|and\s+|ok\s+|okay\s+|also\s+|now\s+)?(?:(?:in|for|at)\s+)?(?:which|what)\s+(?:of\s+(?:the(?:se|m)?|those)\s+)?"
    rf"(?:\w+\s+)?{_UNIT}\b|^[\s,;:]*where\b|^[\s,;:]*which\s+(?=(?:were|was|are|had|have|did|got)\b)|{_WHO_HAD}|^[\s,;:]*(?:list|name|show|give)\b|"
    rf"\b(?:which|what)\s+{_UNIT}\b|\bwhich\s+(?:of\s+(?:the(?:se|m)?|those)|ones)\b|"
    rf"^\s*(?:[\w/]+\s+){{0,2}}(?:{_UNIT_AREA}|{_UNIT_DOC})\s+(?:where|that|which|with|whose|mentioning|referring|"
    rf"discussing|citing|saying|praising|criticising|criticizing|covering|showing|finding)\b|\bany\s+{_UNIT}\b|"
    rf"\b(?:tell|show)\s+me\s+(?:which|where|the)\b|[,;:-]\s*(?:where|which\s+{_UNIT})\b|\s(?:where|in\s+which|which)\W*$|"
    rf"(?<!\bthe)(?<!\bthis)(?<!\bthat)(?<!\btheir)(?<!\bits)(?<!\bour)(?<!\bof)\s(?:{_UNIT_AREA})\W*$",  # "2024 positive outcome areas"
    re.I,
)
_WHICH_OF_RE = re.compile(r"^[\s,;:]*(?:so\s+|and\s+)?which\s+(?:of\b|(?=(?:were|was|are|had|have|did)\b))", re.I)  # "which of A and B ...": a set
_BETWEEN_YEARS_RE = re.compile(r"\bbetween\s+(?:(?:the|its|their)\s+)?(?:19|20)\d\d\s+and\s+(?:(?:the|its|their)\s+)?"
                               r"(?:19|20)\d\d\b", re.I)  # one area "between 2016 and 2023": over time
_COMPARE_RE = re.compile(r"\b(?:change[ds]?|changing|compare[ds]?|comparison|comparing|over\s+time|then\s+and\s+now|"
                         r"(?:got|get|gotten|getting|become|grown)\s+(?:any\s+)?(?:better|worse)|improved?\s+since|"
                         r"differ(?:ed|ence|ences|ent)?|versus|vs\.?|progress\s+since|evolve[ds]?|"
                         r"between\s+(?:(?:the|its|their)\s+)?(?:19|20)\d\d\s+and)\b", re.I)
_YEAR_VS_YEAR_RE = re.compile(r"\b(?:19|20)\d\d(?:'?s?\s+" + _UNIT_DOC + r")?\s*(?:vs\.?|versus|v\.?|against|compared\s+(?:to|with))\s*(?:(?:the|its|their)\s+)?(?:19|20)\d\d\b", re.I)
_JOINT_RE = re.compile(r"\bjoint\s+(?:local\s+area\s+)?(?:send\s+)?(?:inspections?|letters?|framework|visits?|"
                       r"local\s+area)\b|\b2016\s*(?:to|-|–)\s*2022\b|\bold\s+framework\b|"
                       r"\b(?:previous|earlier)\s+framework\b|"
                       # "the older letters", "old-style inspections": the earlier framework's
                       r"\b(?:old(?:er)?(?:[- ]style)?|earlier|first[- ]round)\s+(?:joint\s+)?(?:send\s+)?(?:letters|inspections|reports)\b",
                       re.I)
_AREA2023_RE = re.compile(r"\barea\s+send\s+inspection\s+reports?\b|\b2023\s+framework\b|"
                          r"\bnew\s+framework\b|\bcurrent\s+framework\b|"
                          r"\b(?:newer|new[- ]style|current[- ]style)\s+(?:area\s+)?(?:send\s+)?(?:reports|inspections)\b", re.I)
_OUTSIDE_RE = re.compile(r"\boutside(?:\s+of)?\s+", re.I)
_OUTSIDE_SCOPE_RE = re.compile(rf"(?:^\W*(?:(?:and|so|but)\s+)?|\b{_UNIT}\s+|\b(?:anywhere|everywhere|elsewhere)\s+)$", re.I)
# Areas the collection holds more than one letter for: "inspected twice", "more than one
# report", "two or more inspections", "multiple letters", "inspected again".
_REPEATED_RE = re.compile(rf"\b(?:(?:been|were|was|got|get|being)\s+)?(?:inspected|visited)\s+(?:twice|more\s+than\s+once|"
                          rf"again|two\s+times|(?:at\s+least\s+)?2\s+times)\b|"
                          rf"\b(?:with|have|has|had|got|having|holding)?\s*(?:more\s+than\s+(?:one|1)|(?:two|2)\s+or\s+more|"
                          rf"multiple|several|two|2|repeat(?:ed)?|both\s+(?:an?\s+)?(?:old|earlier)\s+and\s+(?:a\s+)?new)\s+"
                          rf"(?:(?:send|area|joint|full)\s+)?{_UNIT_DOC}\b", re.I)
_REVISIT_RE = re.compile(r"\brevisit|\bre-?inspect(?:ed|ion)\b", re.I)
_LATEST_RE = re.compile(r"\b(?:latest|most\s+recent|newest|current|last)\s+(?:(?:full|local|area|send|joint|ofsted|cqc)\s+){0,3}"
                        r"(?P<unit>(?:report|letter|inspection|document|visit)s?)\b|\b(?:latest|most\s+recent)\s+one|"
                        r"\blast\s+(?:inspected|visited)\b", re.I)
_EXCLUDE_RE = re.compile(r"\((?:\s*(?:but\s+)?not|\s*minus|\s*without)\s+|\b(?:apart\s+from|except(?:\s+for)?|other\s+than|excluding|excl\.?|exc\.?|not\s+including|"
                         r"besides?|aside\s+from|leav(?:ing|e)\s+out|ignor(?:ing|e)|but\s+not|not\s+counting|discounting|"
                         r"save\s+for)\s+", re.I)

# The grammar's own words, for the spelling corrector (rag/library.py): a slip in one of
# them ("wich", "critcised") must become the frame word, not the nearest word of the letters.
FRAME_WORDS = ("which", "where", "what", "when", "many", "areas", "councils", "partnerships", "reports",
               "letters", "inspections", "inspected", "criticised", "criticized", "criticism", "praised",
               "mentioned", "mention", "compare", "compared", "between", "latest", "before", "since",
               "problems", "concerns", "strengths", "weaknesses", "positive", "negative", "systemic")
# ... and the three-letter ones, matched only with two letters swapped ("hwo", "teh").
FRAME_WORDS_3 = ("how", "who", "why", "the", "and", "are", "had", "did", "was", "any", "has")

# "positive experiences of short breaks", "inconsistent outcomes for post-16": the words of
# an outcome statement qualified by a topic describe that topic, not the inspection's outcome
# (which is about children and young people, stands alone, or is dated: "in 2024").
_NOT_OF_A_TOPIC = (r"\b(?!\s+(?:of|at|from|around|with|about)\b)"
                   r"(?!\s+in\s+(?!\d|(?:the|their|its|this|that)\b|(?:latest|last|recent|previous)\b))"
                   r"(?!\s+for\s+(?!(?:all\s+|the\s+|these\s+|local\s+)?(?:children|young|cyp|pupils|learners|them)\b))")
# Outcomes of the two frameworks (answered from the letters table).
OUTCOME_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("systemic", re.compile(r"\b(?:worst|lowest|bottom|most\s+serious)\s+(?:possible\s+)?(?:outcome|judge?ment|rating|grade|result|category)s?\b|"
                            r"\bfailings?\s+(?:that|which)\s+(?:were|are|was|is)\s+(?:widespread|systemic)"
                            r"(?:\s+(?:and|or|and/or)\s+(?:widespread|systemic))?|"
                            r"\b(?:systemic|failing)\s+(?=(?:areas?|ones|partnerships?|councils?|places)\b)|(?:widespread|systemic)(?:\s+(?:and|or|and/or)\s+(?:widespread|systemic))?"
                            r"(?:\s+failings?)?|\bfailings\b", re.I)),
    ("positive", re.compile(r"\b(?:best|top|highest)\s+(?:possible\s+)?(?:outcome|judge?ment|rating|grade|result|category)s?\b|"
                            r"\bpositive(?:ly\s+(?:rated|judged))?\s+(?=(?:areas?|ones|partnerships?|reports?|inspections?|"
                            r"councils?|places)\b)|(?:(?:send\s+)?arrangements\s+)?(?:typically\s+)?(?:lead(?:s|ing)?\s+to\s+)?positive\s+(?:experiences?|outcomes?|"
                            r"judge?ments?|rating|result|overall|outcome)(?:\s+and\s+outcomes)?" + _NOT_OF_A_TOPIC +
                            r"|\brated\s+positive(?:ly)?\b|\bjudged\s+positive(?:ly)?\b", re.I)),
    ("inconsistent", re.compile(r"\b(?:middle|mid|middling)\s+(?:outcome|judge?ment|rating|grade|result|category)s?\b|\binconsistent\s+(?=(?:areas?|ones|partnerships?|reports?|inspections?)\b)|(?:(?:send\s+)?arrangements\s+)?(?:(?:typically|often)\s+)?(?:lead(?:s|ing)?\s+to\s+)?inconsistent\s+(?:experiences?|outcomes?|judge?ments?)(?:\s+and\s+outcomes)?"
                                + _NOT_OF_A_TOPIC, re.I)),
    ("insufficient_progress", re.compile(r"(?:insufficient|not\s+(?:made\s+)?(?:sufficient|enough)|"
                                         r"inadequate|too\s+little)\s+progress", re.I)),
    ("sufficient_progress", re.compile(r"\b(?:sufficient|enough|good)\s+progress", re.I)),
    ("wsoa_required", re.compile(r"(?:written\s+statements?(?:\s+of\s+action)?|\bwsoas?\b)", re.I)),
)
_WSOA_NEG_RE = re.compile(r"\b(?:no|not|without|n't|never)\b(?:\s+\w+){0,3}?\s+(?:a\s+)?"
                          r"(?:written\s+statement\s+of\s+action|wsoa)\b", re.I)
_OUTCOME_VERB_RE = re.compile(
    r"\b(?:were|was|are|is|been|be)?\s*(?:found|judged|rated|said|deemed|assessed|told)?\s*"
    r"(?:to\s+)?(?:have|had|has|having|with|show(?:ed|s)?|get|got|given|received?|"
    r"requir(?:ed|es|ing)|need(?:ed|s|ing)?|end(?:ed|s|ing)?(?:\s+up)?|finish(?:ed|es)?|conclud(?:ed|es)|result(?:ed|s|ing)\s+in|l(?:ed|ead|eads|eading)\s+to|issued|"
    r"(?:had\s+)?to\s+(?:produce|prepare|write|submit)|produc(?:ed|e|ing)|prepar(?:ed|e|ing))?\s*(?:a|an|the)?\s*$", re.I)

_GOVERNING_VERB_RE = re.compile(r"\b(?:(?:were|was|are|is|been|be)\s+)?[a-z]{3,}(?:ed|s)\s+(?:for|in|to\s+[a-z]+)"
                                r"(?:\s+(?:a|an|the))?\s*$|\b(?:(?:were|was|are|is|been|be)\s+)?[a-z]{3,}ed"
                                r"\s+(?:a|an|the)\s*$", re.I)
_WHEN_RE = re.compile(r"^\s*when\b|\bwhat\s+dates?\b|\bwhich\s+dates?\b|\bwhat\s+(?:month|year)\b", re.I)
_WHO_LED_RE = re.compile(r"\bwho\s+(?:led|leads|was\s+the\s+lead|inspected|carried\s+out)|\blead\s+inspector\b|"
                         r"\b(?:which|what)\s+inspectors?\s+(?:led|leads|was\s+in\s+charge)", re.I)
_NEXT_RE = re.compile(r"\bnext\b.*\binspection\b|\binspection\b.*\bnext\b|\breinspect", re.I)
_CONCLUDE_RE = re.compile(r"\bconclu|\boutcome\b|\bverdict\b|\bjudge?ment\b|\bresult\s+of\b|"
                          r"\boverall\b|\brated\b|\bfind\s*\??\s*$|\bfound\s*\??\s*$|\bsay\s*\??\s*$|"
                          # "what did Kent get (in its last inspection)?"
                          r"^\W*what\s+(?:did|does|has)\s+(?:[\w']+\s+){1,3}?(?:get|got|receive|received)\b"
                          r"(?:\s+(?:in|at|for|from)\s+(?:its|their|the)\s+(?:(?:last|latest|most\s+recent|\d{4})\s+)?"
                          r"(?:inspection|report|letter|visit)s?)?\W*$", re.I)
_NUMBER_RE = re.compile(r"\bhow\s+(?:many|much|long|far|often|old|late|soon)\b|\b(?:max|maximum|minimum)\b|\bwhat\s+(?:share|proportion|"
                        r"percentage|number|age|per\s*cent)\b|\bwhat\s+%|\bhow\s+quickly\b|"
                        r"\b(?:the\s+)?(?:number|proportion|percentage|share|rate)\s+of\b|\bfigures?\b", re.I)
# The answer is a figure and nothing else will do: a count or a share ("how many ...", "what
# percentage ..."), or an amount of money ("how much does ... cost"). "How long" and "how much
# progress" can be answered in words ("too long", "considerable"), so they are not here.
_FIGURE_RE = re.compile(r"\bhow\s+many\b|\bwhat\s+(?:share|proportion|percentage|per\s*cent|fraction)\b|"
                        r"\bwhat\s+%|\bhow\s+much\b(?=.*\b(?:cost|costs|costing|spend|spends|spent|spending|pay|"
                        r"pays|paid|budget|budgets|salary|salaries|price|fee|fees|money|worth|charge|charges|"
                        r"funding|grant)\b)|£", re.I)
_MONEY_RE = re.compile(r"\bhow\s+much\b|£|\b(?:budget|salary|salaries|price|fee|fees|cost|costs)\b", re.I)
_CLOCK_RE = re.compile(r"\b(?:(?:at\s+)?what\s+times?|opening\s+(?:hours|times))\b", re.I)  # asks for a time of day
# Asks for a person by name: "who is the director of ...", "who chairs ...", "the name of the ...";
# not "who is responsible for ..." (an organisation answers that), "who had ..." (areas) nor
# "who are the care navigators" (what kind of people they are).
_PERSON_RE = re.compile(r"\bwho\s+(?:is|was|'s)\s+(?:the|their|its|[\w-]+'s)\s+(?!areas?\b|las?\b|councils?\b|"
                        r"local\s+(?:areas?|authorit))|\bwho\s+(?:chairs|chaired|heads|headed)\b|\bwhos\s+the\b|"
                        r"\bname\s+of\s+(?:the|their|its|[\w-]+'s)\b", re.I)
_ROLE_OF_RE = re.compile(r"\bwho(?:\s+is|\s+was|'s|s)\s+(?:the|their|its|[\w-]+'s)\s+(?:[\w-]+\s+){0,2}?(?:of|at|for)\s+(?:the\s+)?"
                         r"(?!(?:areas?|las?|councils?|local\s+(?:areas?|authorit\w*))\b)|\bwho\s+(?:chairs|chaired|heads|headed)\b", re.I)
_PERSON_FRAME_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:who(?:'s|s)?\s+(?:(?:is|was|are|were)\s+)?(?=the\b|their\b|its\b|"
                              r"chairs\b|chaired\b|heads\b|headed\b)|(?:what(?:'s|\s+is|\s+was|\s+are)\s+)?the\s+names?\s+of\s+)",
                              re.I)
# Asks for contact details: the answer must hold a postcode, a phone number or a web/email address.
_WHAT_IS = r"\b(?:what(?:'s|\s+is|\s+are|\s+was)|give\s+me|tell\s+me|find|need)\s+(?:the|their|its|[\w-]+'s)\s+(?:[\w-]+\s+){0,3}?"
_CONTACT_RE = {
    "address": re.compile(_WHAT_IS + r"(?:postal\s+)?address(?:es)?\b|\bpost\s*codes?\b|\b(?:postal\s+)?address\s+(?:of|for)\b"
                          r"|\bwhere\s+(?:is|are)\s+[\w\s'-]{0,40}\b(?:based|located)\b", re.I),
    "phone": re.compile(r"\b(?:tele)?phone\s+(?:numbers?|no)\b|\bcontact\s+numbers?\b|\bnumber\s+to\s+(?:call|ring)\b", re.I),
    "web": re.compile(_WHAT_IS + r"(?:web\s*site|web\s*page|url|web\s+address|e-?mail(?:\s+address)?)\b"
                      r"|\b(?:web|e-?mail)\s+address\b", re.I),
}

# Question negation: a negator on the clause's verb ("did not", "weren't", "NOT found").
_NEGATION_RE = re.compile(r"^\s*(?:(?:did|do|does|were|was|are|is|have|has|had|could|can|would)\s*"
                          r"(?:n['’]?t|\s+not|\s+never)|(?:didn|don|doesn|weren|wasn|aren|isn|haven|hasn|hadn|couldn|wouldn|shouldn)['’]?t|"
                          r"not|never)\b\s*", re.I)
_ABSENCE_RE = re.compile(r"^\s*(?:(?:still|also|yet|currently|then)\s+)?(?:(?:had|have|has|with|there\s+(?:was|is|were))\s+)?(?:no|without|"
                         r"(?:a\s+)?lack(?:ed|s|ing)?(?:\s+of)?|missing|absence\s+of|not\s+enough|"
                         r"too\s+few|insufficient|no\s+longer\s+had|short\s+of)\b\s*", re.I)
# Evaluation constructions that attach a topic: polarity +1 praise, -1 criticism.
_EVAL_RE = re.compile(
    r"\b(?:(?P<pos>prais\w*|commend\w*|celebrat\w*|complimented|strong|impressed\s+(?:with|by)|strengths?\s+(?:in|of|around|with)|"
    r"good\s+practice\s+(?:in|on|around)|positive\s+(?:about|on|for)|(?:(?:did|do|does|doing)\s+|(?<![\w\s])\s*)well\s+(?:on|in|with|at)|"
    r"(?:well|good|positively)\s+(?:regarded|rated|reviewed|thought\s+of)|highlighted\s+as\s+(?:a\s+)?strength)"
    r"|(?P<neg>criticis\w*|criticiz\w*|criticism\s+(?:of|for|over)|concerns?\s+(?:about|over|with|around|regarding|on)|"
    r"worries\s+(?:about|over)|(?:worried|concerned|unhappy|dissatisfied)\s+(?:about|over|with|by)|weak(?:ness|nesses)?\s+(?:in|of|around|with)|problems?\s+(?:with|in|around|of)|"
    r"issues?\s+(?:with|in|around|over)|failings?\s+(?:in|of|around)|shortcomings\s+(?:in|of)|"
    r"poor(?:ly)?\s+(?:rated|regarded)|told\s+off|need(?:s|ed)?\s+to\s+(?:improve|do\s+better|work\s+on)|"
    r"struggl\w*\s+(?:with|to)|"
    r"^\s*to\s+(?:improve|do\s+better|work\s+on)|"
    # a directive: "told / asked / urged to (improve) X", "must / should (leaders) improve X"
    r"(?:told|asked|urged|advised|encouraged|required|instructed|directed|expected|recommended)\s+to"
    r"(?:\s+(?:improve|do\s+better|work\s+on))?|"
    r"(?:must|should|ought\s+to|ha(?:ve|s|d)\s+to)\s+(?:(?:the\s+)?(?:area\s+|local\s+)?(?:leaders|partnerships?|councils?|"
    r"they)\s+)?(?:improve|do\s+better|work\s+on))"
    r")\b(?:\s+(?:for|over|about|on|in|around|with)\b)?\s*",
    re.I,
)
_WHAT_HAD_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:what|which)\s+(?P<np>[^?]+?)\s+(?:did|does|do|has|have|had)\s+"
                          r"(?P<who>(?:[\w']+\s+){0,3}?)(?:have|get|got|receive|received|face|faced|show|showed)\s*\W*$", re.I)
# A topic that only names a lean: "strengths", "main weaknesses", "areas for improvement".
_STANCE_NOUN_RE = re.compile(
    r"\W*(?:(?:what|which|were|was|are|is|the|its|their|main|key|biggest|greatest|chief|top|some|any|\s)+)?"
    r"(?:(?P<pos>strengths?|positives?|good\s+points|successes|what\s+(?:went|works?|worked)\s+well|praise)|"
    r"(?P<neg>weakness(?:es)?|negatives?|bad\s+points|problems?|concerns?|issues?|failings?|criticisms?|"
    r"areas?\s+(?:for|of)\s+(?:improvement|development|priority\s+action)))\W*", re.I)
# A topic made only of these words asks for the outcome ("what was the overall judgement",
# "was X's outcome better than Y's", "did A and B get the same rating").
_OUTCOME_FRAME_WORDS = (r"\W*(?:(?:what|how|which|who|was|is|were|are|did|does|do|get|got|given|the|overall|final|its|their|"
                        r"of|for|in|at|receive|received|outcome|outcomes|judge?ments?|verdict|result|results|rating|ratings|rated|grade|grades|"
                        r"conclusion|concluded?|better|worse|best|worst|higher|lower|same|different|differ|difference|"
                        r"than|two|both|one|compare|compared|or|and|vs|versus|s)\W+)*\W*")
# "which did better, A or B?", "which was rated higher": a comparison of outcomes
_WHICH_BETTER_RE = re.compile(r"\b(?:which|who)\s+(?:one\s+)?(?:did|was|were|is|got|came\s+out|fared|has|had)\s+"
                              r"(?:(?:rated|judged|graded|doing)\s+)?(?:better|worse|best|worst|higher|lower)\b"
                              r"(?!\s+(?:on|at|for|with|in|over|when)\b)", re.I)  # "... better on X": a topic
_OVERVIEW_RE = re.compile(r"\W*(?:(?:a|an|the|me|us|quick|short|brief|general|overall|full|summary|summarise|summarize|"
                          r"overview|rundown|gist|picture|main|points|findings|key|about|of|it|report|letter|say|said)\W*)*", re.I)
_FRAME_ONLY_RE = re.compile(r"\W*(?:(?:what|what's|whats|which|were|was|are|is|the|its|their|main|key|biggest|greatest|"
                            r"chief|top|some|any|most|so|about|in|there|s)\W*)*", re.I)
# A stance adverb closing the clause: "mention the forum positively", "... critically".
_MANNER_RE = re.compile(r"\s+(?:(?P<pos>positively|favourably|favorably|approvingly|in\s+a\s+positive\s+light)|"
                        r"(?P<neg>negatively|critically|unfavourably|unfavorably|in\s+a\s+negative\s+light))\W*$", re.I)
# A lean word at the edge of the topic, as people type: "good short breaks", "poor
# attendance", "alternative provision problems", "coproduction with parents good". The same
# closed class of evaluation words as the frames above; the topic is what is left.
_EDGE_EVAL_RES = (
    re.compile(r"^\s*(?:(?P<pos>good|great|excellent|strong|outstanding|better|best)|(?P<neg>bad|poor|weak|inadequate|"
               r"terrible|awful|worse|worst))(?:\s+(?:at|on|for|with|in))?\s+(?=[a-z])", re.I),
    re.compile(r"\s+(?:(?:is|are|was|were|being|been|get|gets|got)\s+)?(?:(?P<pos>good|great|excellent|strong|praised)|"
               r"(?P<neg>bad|poor|weak|problems?|issues?|concerns?|worries|failings?|criticised|criticized))\W*$", re.I),
)
_CONCERN_RE = re.compile(r"^\s*(?:(?:real|major|serious|significant|big)\s+)?(?:concerns?|problems?|issues?|worries|"
                         r"complaints?|criticisms?)\s*(?:(?:about|over|with|around|regarding|in|on)\b)?\s*|"
                         r"\s+(?:concerns?|problems?|issues?|worries|complaints?|criticisms?)\W*$", re.I)
_NOT_A_PROBLEM_RE = re.compile(r"\s+(?:(?:is|are|was|were)\s*)?(?:not|n't|never)\s+(?:really\s+)?(?:an?\s+)?"
                               r"(?:problem|issue|concern|worry|weakness)s?\W*$", re.I)
# "was X a problem?", "is X a strength?": a yes/no judgement of a topic.
_WAS_IT_RE = re.compile(
    r"^\s*(?:and\s+|but\s+|so\s+)?(?:(?:was|were|is|are)\s+)?(?P<topic>.+?)\s+(?:(?:get|gets|got|been|being)\s+)?(?:seen\s+as\s+|judged\s+|found\s+)?"
    r"(?:(?P<neg>an?\s+(?:problem|concern|weakness|worry|issue|area\s+for\s+improvement)|criticised|criticized)|"
    r"(?P<pos>an?\s+strength|praised|commended))\b[\s,;:.?!]*(?:(?:in|for|at|and|or)\b[\s,;:.?!]*)*$", re.I)
# A follow-up that judges what was asked before: "was that a problem there too?"
_THAT_EVAL_RE = re.compile(
    r"^\s*(?:and\s+|but\s+|so\s+)?(?:(?:was|is|were|are|did)\s+)?(?:that|this|it|they|there|those)\s+(?:also\s+|too\s+)?"
    r"(?:(?P<neg>(?:a\s+)?(?:problem|issue|concern|weakness|criticis\w*|worry|poor|bad|worse))|"
    r"(?P<pos>(?:a\s+)?(?:strength|prais\w*|good|better|positive|effective|fine)))\b\s*", re.I)
# Frames that ask for any mention, whatever its lean.
_NEUTRAL_RE = re.compile(r"^[\s'’]*(?:(?:reports?|letters?|documents?|inspections?)\s+)?(?:mention(?:s|ed|ing)?|refer(?:s|red|ring)?\s+to|discussing|covering|citing|"
                         r"talk(?:s|ed)?\s+about|discuss(?:es|ed)?|say\s+anything\s+about|comment(?:s|ed)?\s+on|"
                         r"reference[ds]?|cover(?:s|ed)?)\b\s*", re.I)
# A lookup's wh-frame: "what (problem) did the inspection find (with)", "what did the report
# say about"; the noun it asks for and the preposition stay, so "problem with X" is read as
# criticism of X by the evaluation grammar below.
_WHOSE = r"(?:the\s+)?(?:(?:send|local\s+area|area|joint)\s+)?"  # "the (SEND) ..." before who said it
_SAID = "found|said|noted|reported|raised|concluded|flagged"
_LOOKUP_FRAME_RE = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:what|which)\s+(?:(?:kind|sort|type)s?\s+of\s+)?(?:(?P<noun>[a-z]+)\s+)?"
    # an auxiliary ("what did the report say"), or none before a past verb ("what the report said")
    rf"(?:(?:did|does|do|has|have|had)\s+|(?={_WHOSE}(?:inspectors?|inspection|reports?|letters?|revisit|they|ofsted|cqc)"
    rf"\s+(?:(?:of|in|for|on)\s+)?(?:{_SAID})\b))"
    + _WHOSE +
    r"(?:(?:inspectors?|inspections?(?:\s+team)?|reports?|letters?|revisit|they|it|ofsted|cqc|one)\s+)?(?:(?:of|in|for|on)\s+)?"
    rf"(?:find|say|note|report|raise|conclude|think|make|made|flag|{_SAID})\b\s*"
    r"(?P<prep>(?:about|on|regarding|concerning|of|in|with|for|around)\b\s*)?",
    re.I)
_LIKED_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:what|which\s+\w+)\s+(?:did|do|does)\s+(?:the\s+)?"
                       r"(?:inspectors?|they|ofsted|cqc|inspection(?:\s+team)?|reports?|letters?)\s+"
                       r"(?:(?P<neg>dislike|not\s+like|worry\s+about)|(?:like|love|rate|admire))\b\s*(?:(?:about|in|with)\b\s*)?", re.I)
# An aside that sets part of the topic apart: "(not counting X)", "(excluding X)".
_ASIDE_RE = re.compile(r"\(\s*(?:not\s+counting|not\s+including|excluding|except(?:\s+for)?|other\s+than|"
                       r"apart\s+from|leaving\s+out|ignoring)\b[^)]*\)", re.I)
# "X - which areas were bad / did well?": the wh-frame and its verdict after the topic.
_TAIL_EVAL_RE = re.compile(
    rf"[\s,;:–—-]*\b(?:which|what|where)\s+(?:{_UNIT}\s+)?(?:were|was|are|is|did|do|does|had|have)\s+"
    r"(?:(?P<pos>good|best|better|strong|well|praised|commended)|(?P<neg>bad|worst|worse|poor|poorly|weak|badly|"
    r"criticised|criticized|a\s+problem|problems))\b\W*$", re.I)
_PREAMBLE_RE = re.compile(r"^([^,;:?]{0,80}?)\s*[,;:–—-]\s*(?=(?:where|which|what|how\s+many|in\s+which)\b)", re.I)
# ... or with no comma: "in the joint inspections which areas ...", "for children in care which
# areas were praised for X" (before "which <unit>"; before "where" only scope words).
_GLUE_PREAMBLE_RE = re.compile(r"^\s*((?:[a-z]+\s+){1,8}?)(?=(?:where|which|what|how\s+many|in\s+which)\b)", re.I)
_UNIT_PREAMBLE_RE = re.compile(rf"^([^,;:?]{{0,80}}?)\s+(?=(?:which|what)\s+{_UNIT}\b)", re.I)
_SCOPE_GLUE = frozenset("in the of from for at on to by during before after since until with a an and or "
                        "only just looking using inspection inspections letter letters report reports document "
                        "documents visit visits revisit revisits joint each every area areas partnership "
                        "partnerships local s".split())
_SAY_TAIL_RE = re.compile(rf"\s*\??\s*(?:which|what)\s+{_UNIT}\s+(?:say|said|says|mention|mentions|report|reports)"
                          r"(?:\s+(?:that|this|so|it))?\s*\??\s*$", re.I)
# A comparison's frame: "how did A and B compare on X" (areas and years already taken out).
_COUNT_FRAME_RE = re.compile(rf"^\s*(?:count|tally|list)\s+(?:up\s+)?(?:(?:the|all(?:\s+the)?|every|each)\s+)?(?:{_UNIT}\s+)?(?:(?:that|which|where)\s+)?(?:(?:were|was|are|is)\s+)?|"
                             rf"^\s*(?:(?:what|which|the)\s+)?(?:proportion|share|percentage|fraction|number|no\.?)\s+of\s+(?:the\s+)?{_UNIT}\s+"
                             r"(?:(?:with|that|which|where|whose)\s+)?", re.I)
_MENTIONED_RE = re.compile(r"\s+(?:(?:is|are|was|were|been|being|get|gets|got)\s+)?(?:mentioned|discussed|referred\s+to|"
                           r"covered|cited|talked\s+about|brought\s+up)\W*$", re.I)
_LIKE_FRAME_RE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:what\s+(?:is|are|was|were|'s|'re)\s+(?:the\s+)?(?P<np>.+?)\s+like|"
                            r"how\s+(?:is|are|was|were|'s|'re)\s+(?:the\s+)?(?P<np2>.+?)(?:\s+(?:like|doing|going|working))?)"
                            r"\W*$", re.I)
_COMPARE_FRAME_RES = (
    re.compile(r"^\s*how\s+(?:did|do|does|have|has)\s+(?:(?:and|&|,|'s|the|inspections?|letters?|reports?)\s+)*"
               r"(?:compare|differ|contrast)\s*"
               r"(?:(?:on|in|for|over|regarding|with\s+(?:regard|respect)\s+to|when\s+it\s+comes\s+to)\s+)?", re.I),
    re.compile(r"^\s*compare\b\s*(?:(?:and|&|,|with|the|inspections?|letters?|reports?)\s+)*"
               r"(?:(?:on|in|for|over|regarding)\s+)?", re.I),
    re.compile(r"^\s*(?:did|has|have|do|does)\s+(?:'s\s+)?(?:get|got|gotten|become|grow|grown)\s+(?:any\s+)?"
               r"(?:better|worse)(?:\s+(?:at|in|on|with)\s+|\W*$)", re.I),
    re.compile(r"\s+(?:change[ds]?|changing)\b(?:\s+(?:between|since|from|over)\b.*)?"
               r"(?:\s+(?:the|and|inspections?|reports?|letters?|visits?))*\W*$", re.I),
    re.compile(r"^\s*how\s+(?:did|has|have|do|does)\s+(?:'s\s+)?(?=\S)", re.I),
    # what is left of "A vs B on X", "is A better than B at X", "difference between A and B on X"
    re.compile(r"^\s*(?:(?:is|was|are|were|did|does)\s+)?(?:(?:vs\.?|versus|v\.?|and|&|or|,)\s+)*"
               r"(?:(?:(?:any\s+)?(?:better|worse|stronger|weaker)\s+than|differences?\s+between|"
               r"contrast\s+between)\s+)?(?:(?:and|&|or|vs\.?|versus|v\.?|,)\s+)*"
               r"(?:on|at|in|for|with|over|regarding|when\s+it\s+comes\s+to)\s+(?=\S)", re.I),
    re.compile(r"(?:^|\s+)then\s+and\s+now\W*$", re.I),
    re.compile(r"^\s*(?:did|has|have|is|was)\s+(?:'s\s+)?(?:improved?|improving)\b\s*(?:(?:at|in|on|with)\s+)?", re.I),
)
# Wh-frames and inspector frames stripped from a clause before the topic is read.
_FRAME_RES = (
    re.compile(r"^\s*(?:and\s+|but\s+|so\s+|ok\s+|okay\s+)?(?:what|how)\s+about\s+(?:in\s+|for\s+)?", re.I),
    re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:(?:did|does|do)\s+)?(?:it|they|that|the\s+\w+)?\s*(?:say|said|says|find|found)\s+"
               r"the\s+same(?:\s+thing)?\b|\bthe\s+same(?:\s+thing)?\s*$", re.I),
    re.compile(rf"^\s*(?:so\s+|and\s+|ok\s+|okay\s+|also\s+|now\s+|but\s+)?(?:(?:in|for|at)\s+)?(?:which|what)\s+"
               rf"(?:of\s+(?:the(?:se|m)?|those)\s+)?(?:(?:\w+\s+){{0,2}}?{_UNIT}\b|ones\b|of\s+(?:the(?:se|m)|those)\b)\s*", re.I),
    re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?which\s+(?=(?:were|was|are|had|have|did)\b)", re.I),
    re.compile(_WHO_HAD, re.I),
    re.compile(rf"^\s*(?:tell|show|give)\s+me\s+(?:which|where|the|all)?\s*(?:the\s+)?(?:{_UNIT}\b)?\s*", re.I),
    re.compile(rf"^\s*(?:list|name)\s+(?:all\s+)?(?:the\s+)?(?:{_UNIT}\b)?\s*(?:where|that|which|with|whose)?\s*", re.I),
    re.compile(rf"^\s*(?:so|and|ok|okay|then|well|but)?[\s,]*how\s+many\s+(?:of\s+the(?:se|m)?\s+)?(?:the\s+)?"
               rf"(?:(?:[\w'-]+\s+){{0,2}}?{_UNIT}\b|times\b)?\s*", re.I),
    re.compile(rf"^\s*(?:in\s+)?how\s+many\s+(?:of\s+the\s+)?(?:(?:[\w'-]+\s+){{0,2}}?{_UNIT}\b)?\s*", re.I),
    re.compile(rf"^\s*(?:the\s+|all\s+(?:the\s+)?)?(?:{_UNIT})\s+(?:where|that|which|with|whose)\s*", re.I),
    re.compile(rf"^\s*(?:{_UNIT})\s+(?:and|but)\s+(?:also\s+)?", re.I),  # "areas [with a WSOA] and ..."
    re.compile(r"^\s*(?:are\s+there\s+)?any\s+\w+\s+(?:where|that|which|with)\s*", re.I),
    re.compile(r"^\s*(?:(?:have|has|had|did)\s+)?(?:found|find|said|say|says|stated|noted|concluded|reported)\s+that\s+",
               re.I),  # "which reports found that X": what was found is the clause
    re.compile(rf"^\s*(?:are\s+there\s+)?any\s+{_UNIT}\b\s*", re.I),
    re.compile(r"^\s*where\s*", re.I),
    re.compile(r"^\s*(?:is|are|was|were|did|do|does|has|have|had)\s+(?:there\s+)?(?:any\s+)?", re.I),
    re.compile(r"^\s*(?:the\s+)?(?:inspectors?|inspection(?:\s+teams?)?|reports?|letters?|documents?|ofsted|cqc)\s+"
               r"(?:(?:have|has|had|did|do|does)\s+(?:not\s+)?)?"
               r"(?:find|found|say|said|report(?:ed)?|identif(?:y|ied)|note[ds]?|mention(?:ed)?|describe[ds]?|"
               r"highlight(?:ed)?|raise[ds]?|see|saw|state[ds]?|judge[ds]?|conclude[ds]?|saying|finding|stating|"
               r"noting|showing|mentioning)\b\s*(?:that\s+)?", re.I),
    # "(where did) parents find that X": what someone found is the clause
    re.compile(r"^\s*(?:[\w']+\s+){1,3}?(?:find|found|say|said|feel|felt|report|reported|think|thought)\s+that\s+", re.I),
    re.compile(r"^\s*(?:were|was|are|is|been|be)\s+(?:(?:found|judged|said|reported|identified|seen|deemed|"
               r"described|considered|noted|rated)\s+)?(?:to\s+)?(?:(?:have|be)\s+)?", re.I),
    re.compile(r"^\s*(?:has|have|had)\s+(?:been\s+)?(?:found\s+to\s+(?:have|be)\s+)?", re.I),
    re.compile(r"^\s*(?:(?:reports?|letters?|documents?|inspections?)\s+)?(?:say|says|said|report|reported|cite|cited)\s+(?:that\s+)?", re.I),
    re.compile(r"^\s*(?:(?:got|get|gets|getting|been|being)\s+)?(?:found|find|judged|identified|noted|saw|seen|deemed|"
               r"described|considered|rated|shown|inspected|told(?!\s+off\b)(?!\s+to\s+(?!have\b|be\b)))\s+(?:that\s+)?(?:to\s+(?:have|be)\s+)?(?:as\s+)?(?:having\s+)?", re.I),
    re.compile(r"^\s*(?:(?:in|for|of|at|from)\s+(?=(?:were|was|are|is|had|have|did|do)\b))", re.I),
    re.compile(r"^\s*(?:still|also|nonetheless|nevertheless|yet|then|however|currently|ever)\b\s*", re.I),
)
_TAIL_RE = re.compile(r"^\s*(?:is|are)\s+(?:that|those|these|there|they)\s*\??\s*$|\s*(?:[-–—,;:]\s*)?(?:which|what)\s+(?:{u})\s*\??\s*$|\s*\b(?:in\s+)?(?:the\s+|their\s+)?"
                      r"(?:inspection\s+)?(?:reports?|letters?|inspections?|documents?)\s*\??\s*$|"
                      r"\b(?:please|pls|thanks|thx)\b|\?+|\s+only\s*$|\bin\s+the\s+collection\b|\bcarried\s+out\b|"
                      r"\btook\s+place\b|\bare\s+from\b|\binspected\b|\bpublished\b|^\s*(?:or|and|the|a|an|their|its|any)\s+|"
                      r"\s+(?:or|and|in|of|for|to|by|from|that|which|who|where)\s*$|"
                      r"(?:^|\s+)(?:instead|as\s+well|too|also|again)\s*$".replace("{u}", _UNIT), re.I)
_SMALL_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "couple": 2, "few": 3}
_LAST_YEARS_RE = re.compile(r"\b(?:in|over|during|within)?\s*(?:the\s+)?(?:last|past)\s+(?:a\s+)?(\d|one|two|three|four|five|six|"
                            r"couple|few)?\s*(?:of\s+)?years?\b", re.I)
_YEAR_PHRASE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bbetween\s+(?:(?:the|its|their)\s+)?" + _YEAR + r"\s+and\s+(?:(?:the|its|their)\s+)?" + _YEAR, re.I),
     "range"),
    (re.compile(r"\bfrom\s+" + _YEAR + r"\s+(?:to|until|till|-|–)\s+" + _YEAR, re.I), "range"),
    # "the 2016 and 2023 letters", "2016 vs 2023": both years and any between
    # "the 2019 revisit vs the 2023 inspection": the first year's document noun goes with it
    (re.compile(r"\b" + _YEAR + r"(?:'?s?\s+" + _UNIT_DOC + r")?\s*(?:and|&|vs\.?|v\.?|versus|or|,|compared\s+(?:to|with)|against)"
                r"\s*(?:(?:the|its|their)\s+)?" + _YEAR + r"\b(?:\s+ones?\b)?", re.I), "range"),
    # "better in 2025 than (in) 2019", "worse in 2024 than 2018": both years
    (re.compile(r"\b(?:in|by)\s+" + _YEAR + r"\s+than\s+(?:in\s+|at\s+)?(?:(?:the|its|their)\s+)?" + _YEAR + r"\b", re.I),
     "range"),
    (re.compile(r"\b" + _YEAR + r"\s*(?:to|-|–|/)\s*" + _YEAR + r"\b", re.I), "range"),
    (re.compile(r"\b(?:before|prior\s+to|earlier\s+than|pre-?)\s*" + _YEAR, re.I), "before"),
    (re.compile(r"\b(?:until|up\s+to|by|no\s+later\s+than)\s+" + _YEAR, re.I), "until"),
    (re.compile(r"\b(?:after|later\s+than|post-?)\s*" + _YEAR, re.I), "after"),
    (re.compile(r"\b" + _YEAR + r"\s*(?:onwards?|and\s+(?:later|after|since)|or\s+later|\+|-on)", re.I), "since"),
    (re.compile(r"\b(?:since|from|starting)\s+" + _YEAR + r"|\bsince\s+(?:the|its|their)\s+" + _YEAR + r"(?:'?s?\s+" + _UNIT_DOC + r"\b)?", re.I), "since"),
    (re.compile(r"\b" + _YEAR + r"(?='?s?\s+(?:\w+\s+)?(?:reports?|letters?|inspections?|visits?|revisits?|documents?|ones?)\b)", re.I), "in"),
    (re.compile(r"\b(?:in|during|of|for)\s+" + _YEAR, re.I), "in"),
    (re.compile(r"\b" + _YEAR + r"\b", re.I), "in"),
)
_WORD_RE = re.compile(r"[A-Za-z0-9]")
_CONNECT_RE = re.compile(
    r",?\s+\b(?P<op>and|but|or|yet|while|whilst)\s+(?=(?:(?:were|was|are|is|had|have|has|did|do|does)\s+)?"
    r"(?:also\s+|still\s+|then\s+|nonetheless\s+|nevertheless\s+|yet\s+|not\s+|never\s+|n't\s+)*"
    r"(?:were|was|are|is|had|have|has|did|do|does|not|never|also|still|nonetheless|nevertheless|yet|"
    r"prais\w*|criticis\w*|found|judged|told|rated|lacked|lacking|struggl\w*|with|without|"
    r"(?:good|bad|poor|weak|strong|better|worse)\s+(?:at|on|for|with|in))\b)|"
    # "good local offer but bad co-production": "but" before a lean word turns to a new clause
    r",?\s+\b(?P<op2>but|yet|whereas)\s+(?=(?:good|bad|poor|weak|strong|better|worse|great|excellent|"
    r"terrible|awful|effective|ineffective|inadequate|long|lengthy|slow|quick|timely|limited|insufficient|"
    r"excessive|too|few|little|no)\b)",
    re.I,
)
# "both X and Y" / "X and Y both": two topics the same lean applies to.
_BOTH_RE = re.compile(r"(?P<prep>\b(?:for|over|about|on|with|in|at)\s+)?\bboth\s+(?P<a>[^,;]+?)\s+and\s+|"
                      r"\s+and\s+(?P<b>[^,;]+?)\s+both\b", re.I)
# A lookup whose words are all frame: "What did the ... inspection find?"
# Conversation around a question, a closed class: greetings and thanks, requests ("can you
# tell me", "I want to know if"), and who is asking ("I'm a parent in X,", "as a
# journalist"). What the asker says of their child stays: "my son is autistic" -> "autistic".
_CHAT_RES: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"^\W*(?:(?:hi|hello|hey|hiya|morning|afternoon|evening|ok|okay|right|so|um+|hmm+)\b"
                r"(?:\s+(?:there|all|team|folks|everyone)\b)?[\s,!.:;-]*)+", re.I), None),
    (re.compile(r"[\s,.;!-]*\b(?:please|pls|plz|thanks|thank\s+you|thx|ty|cheers|ta)\b"
                r"(?:\s+(?:so\s+much|very\s+much|a\s+lot|in\s+advance)\b)?[\s,.!]*(?=[?.!]*\s*$)", re.I), None),
    (re.compile(r"\b(?:please|pls|plz)\b", re.I), None),
    (re.compile(r"^\s*(?:(?:(?:i'?m|i\s+am|we'?re|we\s+are|as)\s+(?:a|an)\s+[a-z]+(?:\s+(?:parent|carer|officer|worker|member))?"
                r"(?:\s+(?:in|from|at|for|of)\s+[^,?]*)?|(?:we|i)\s+live\s+(?:in|near)?\s*[^,?]*?)"
                r"\s*(?:,|\s+and\b|\s+(?=i\s|we\s|can\s|could\s|how\s|what\s|which\s|where\s|is\s|are\s|does\s|did\s)))+", re.I),
     None),
    (re.compile(r"\b(?:we|i)\s+(?:live|are\s+based|'re\s+based)\s+(?:in|near)?\s*[^,?]*?\s*,", re.I), None),
    (re.compile(r"^\s*my\s+(?:son|daughter|child|kid|grandson|granddaughter|boy|girl)(?:'s)?\s+(?:is|has|was|had|needs?)\s+"
                r"(?P<what>[^,?]*?)\s*(?:,|\s+and\b)", re.I), "what"),
    (re.compile(r"^\s*(?:(?:can|could|would|will)\s+you\s+)?(?:(?:tell|show|give)\s+(?:me|us)|let\s+(?:me|us)\s+know)"
                r"(?:\s+(?=which\b|where\b|what\b|how\b|who\b|when\b)|\s+about\b|\s+(?:if|whether)\b|(?=\s+\w)|(?=\W*$))", re.I), None),
    (re.compile(r"^\s*(?:i|we)(?:\s+(?:want|need|would\s+like|d\s+like|wanna|wish)|\s*'d\s+like)\s+to\s+(?:know|find\s+out|see|understand|ask)"
                r"(?:\s+(?:about|if|whether))?\b", re.I), None),
    (re.compile(r"^\s*(?:do\s+you\s+know|any\s+idea)\s+(?:if|whether)?\b", re.I), None),
    (re.compile(r"^\s*(?:can|could|may)\s+(?:i|we)\s+(?:please\s+)?(?:see|have|get|know|find\s+out|ask|check|read|look\s+at)"
                r"(?:\s+(?:about|if|whether))?\b", re.I), None),
)
# When something happened, said in passing ("in the end", "ended up", "by the end of the
# revisit"): frame, never topic. "The end of year 11" is not one.
_WHEN_ADVERB_RE = re.compile(r"\b(?:in|by|at)\s+the\s+end\b(?!\s+of\b)|\b(?:by|at)\s+the\s+end\s+of\s+(?:the|their|its)\s+"
                             r"(?:re-?visits?|re-?inspections?|inspections?|visits?|process)\b|\bended\s+up\b|"
                             r"\beventually\b|\bfinally\b|\bin\s+the\s+long\s+run\b", re.I)
# A when-question with no place that is not about an inspection, visit, report or letter.
_OFF_WHEN_RE = re.compile(r"^(?!.*\b(?:inspect\w*|visit\w*|revisit\w*|reports?|letters?|published|ofsted|cqc)\b)", re.I | re.S)
# Personal advice, which inspection letters do not give: "how do I apply for ...", "can I
# appeal ...", "should we ...", "what does X stand for" (first person or a definition).
_ADVICE_RE = re.compile(r"^\W*(?:(?:and|so|ok|but)\s+)?(?:how\s+(?:do|can|should|would|could)\s+(?:i|we)\b|"
                        r"(?:can|could|should|shall|may|must)\s+(?:i|we)\b(?!\s+(?:see|have|get|know|find|ask|check|read|look)\b)|"
                        r"where\s+(?:do|can|should)\s+(?:i|we)\b|"
                        r"what\s+(?:should|can|do)\s+(?:i|we)\s+do\b|what\s+does\s+\S+\s+stand\s+for\b|"
                        r"what\s+(?:is|are)\s+(?:a|an)\s+\S+\W*$)", re.I)
# Chat shorthand for frame words ("what abt 2023?", "gd short breaks"): function words and
# lean words only, never a topic's words.
_SHORTHAND = {"abt": "about", "bout": "about", "wat": "what", "wot": "what", "gd": "good", "w/": "with",
              "w/o": "without", "thru": "through", "b4": "before", "crit'd": "criticised", "critd": "criticised",
              "crit'ed": "criticised", "crited": "criticised", "probs": "problems", "prob": "problem",
              "yrs": "years", "yr": "year", "mths": "months", "re": "about", "ppl": "people"}
# "re" is a preposition only between words ("concerns re transport"), never "re-assessment".
_SHORTHAND_RE = re.compile(r"(?<![\w/'&])(?:abt|bout|wat|wot|gd|w/o|w/|thru|b4|crit'?e?d|probs?|yrs?|mths|ppl|"
                           r"(?<=\w\s)(?<!\bfor\s)(?<!\bthe\s)(?<!\band\s)(?<!\bof\s)(?<!\bto\s)(?<!\bin\s)(?<!\bon\s)(?<!\ban\s)(?<!\ba\s)re(?=\s+\w))(?![\w/'&-])", re.I)
_BARE_FRAME_RE = re.compile(r"^\s*(?:(?:ok|okay|so|and|right|well|hmm|but)\s+)*(?:what|how(?:\s+many)?)?\s*(?:did|does|do|was|were|is|are|has|have)?\s*(?:the\s+)?"
                            r"(?:(?:send|local\s+area|area|joint)\s+)?(?:inspectors?|inspection|report|letter|revisit)?\s*"
                            r"(?:find|found|say|said|conclude[ds]?|report(?:ed)?|show(?:ed)?|think|judge[ds]?|"
                            r"look\s+like|like)?\s*\??\s*$", re.I)
_FRAME_NOUNS_RE = re.compile(r"\b(?:local\s+)?(?:area\s+)?(?:partnerships?|councils?|inspectors?|inspections?|"
                             r"letters?|reports?|documents?)\b", re.I)


@dataclass
class Clause:
    """One condition of a set question: a topic, the stance asked for, and negation."""

    text: str  # the clause as typed, frame stripped (what stance is read from)
    topic: str  # the open-class topic words
    polarity: int = 0  # -1 criticism / a problem, +1 praise, 0 any mention
    explicit: bool = False  # polarity came from the frame grammar, not the stance model
    negated: bool = False  # "did not ...": the complement within scope


@dataclass
class Query:
    text: str
    intent: str = "lookup"  # lookup | set | count | compare
    areas: list[str] = field(default_factory=list)
    unknown_areas: list[str] = field(default_factory=list)
    exclude_areas: list[str] = field(default_factory=list)
    exclude_regions: list[str] = field(default_factory=list)  # "excluding London", "outside the North West"
    regions: list[str] = field(default_factory=list)
    since: int | None = None
    until: int | None = None
    framework: str | None = None
    kind: str | None = None
    latest: bool = False
    repeated: bool = False  # only areas with more than one letter in the collection
    outcome: str | None = None
    outcome_negated: bool = False
    clauses: list[Clause] = field(default_factory=list)
    combine: str = "and"  # how clauses combine: "and" (all) | "or" (any)
    count_unit: str = "areas"  # areas | documents
    asks_when: bool = False
    asks_lead: bool = False
    asks_next: bool = False
    asks_outcome: bool = False
    asks_number: bool = False
    asks_figure: str = ""  # the answer must hold: "count" (a number or share) | "money" | "clock" | "person" | "name"
    # (a named person) | "address" | "phone" | "web" | "" (anything)
    wordless: bool = False
    anaphora: bool = False  # "those", "them", "that", "there": needs the conversation
    read_as: str = ""  # how a follow-up was read ("" for a standalone question)
    asked: str = ""  # a follow-up: the whole question it stands for, before its scope
    advice: bool = False  # "how do I apply for ...", "can I appeal ...": asks for personal advice
    topic_specific: bool = True  # the topic names something not in most letters (set by Library)
    spelling: list[tuple[str, str]] = field(default_factory=list)  # (typed, corrected) words

    @property
    def topic(self) -> str:
        return " ; ".join(c.topic for c in self.clauses if c.topic)

    @property
    def has_scope(self) -> bool:
        return bool(self.areas or self.regions or self.exclude_areas or self.exclude_regions or self.since is not None
                    or self.until is not None or self.framework or self.kind or self.latest)


# ---- parsing -------------------------------------------------------------------------------
def parse_question(text: str, indexed_areas: list[str], *,
                   common_words: frozenset[str] = frozenset(), today: datetime.date | None = None) -> Query:
    """Read a question's frame with the grammar above; the rest is its topic.

    ``common_words``: lower-case words the collection uses as ordinary words ("reading",
    "bury" would be one if letters said "bury"); an area whose name is such a word is only
    taken when the question writes it with a capital.
    """
    q = Query(text=text)
    if not _WORD_RE.search(text):
        q.wordless = True
        return q
    work = " " + re.sub(r"\s+", " ", text.replace("’", "'")) + " "
    work = _SHORTHAND_RE.sub(lambda m: _SHORTHAND[m.group(0).lower()], work)
    # "short breaks/respite", "X + Y": the slash and plus people type for "or" and "and"
    work = re.sub(r"(?<=[a-z])\s*/\s*(?=[a-z])(?<!and/)(?!or\b)", " or ", work, flags=re.I)
    work = re.sub(r"(?<=\w)\s+\+\s+(?=\w)", " and ", work)
    # "(not counting X)" sets part of the topic apart; "(excluding Kent)" is scope, read below.
    names = {a.lower() for a in indexed_areas} | set(known_area_names())
    work = _ASIDE_RE.sub(lambda m: m.group(0) if any(n in m.group(0).lower() for n in names) else " ", work)
    work = _areas(q, work, indexed_areas, common_words)
    # Before years: "the 2023 framework", "2016 to 2022" name a framework, not a year.
    if _JOINT_RE.search(work):
        q.framework = "joint_2016"
        work = _JOINT_RE.sub(" inspections ", work)  # the unit stays: "which joint inspections ..."
        work = re.sub(r"\b(?:under|using|in|from)\s+(?:the\s+)?(?=inspections\b)", " ", work, flags=re.I)
    elif _AREA2023_RE.search(work):
        q.framework = "area_2023"
        work = _AREA2023_RE.sub(" reports ", work)
        work = re.sub(r"\b(?:under|using|in|from)\s+(?:the\s+)?(?=reports\b)", " ", work, flags=re.I)
        work = re.sub(r"\breports\s+(?:reports?|inspections?|letters?)\b|\b(?:reports?|inspections?|letters?)\s+reports\b",
                      " reports ", work, flags=re.I)
    work = _years(q, work, today)
    for pat, keep in _CHAT_RES:  # "hi, ...", "can you tell me ...", "I'm a parent in X, ...", "... thanks"
        work = pat.sub(lambda m, keep=keep: " " + (m.group(keep) or "") + " " if keep else " ", work)
    work = _WHEN_ADVERB_RE.sub(" ", work)
    m = _REPEATED_RE.search(work)
    if m:
        q.repeated = True
        work = work[: m.start()] + " " + work[m.end():]
    if _REVISIT_RE.search(work):
        q.kind = "revisit"
        work = re.sub(r"\b(?:at|on|in|after|during)\s+(?:the\s+|their\s+|its\s+)?revisits?\b|"
                      r"\b(?:(?:were|was|been|being)\s+)?re-?inspected\b", " ", work, flags=re.I)
    if _LATEST_RE.search(work):
        q.latest = True
        # the noun stays: "how many of the latest reports" still counts reports
        work = re.sub(r"\b(?:in|from|for|at)\s+(?:their|its|the|each\s+area'?s?)\s+"
                      r"(?=(?:latest|most\s+recent|newest|current|last)\b)", " ", work, flags=re.I)  # "in their latest reports"
        work = _LATEST_RE.sub(lambda m: f" {m.group('unit') or ''} ", work)
        work = re.sub(r"\b(?:looking\s+only\s+at|only\s+looking\s+at|using|based\s+on|in|from|for)\s+"
                      r"(?:each|every|the)\s+(?:area'?s?|one'?s?|partnership'?s?)?\s*(?:,|\s)", " ", work, flags=re.I)
        work = re.sub(r"\b(?:per|for\s+each|of\s+each|in\s+each|by)\s+(?:area|partnership|council|la|local\s+authority|"
                      r"authority|borough|place)\b", " ", work, flags=re.I)
        # What is left of "Using just the newest report for each area, which ...".
        work = re.sub(r"^\s*(?:using|looking\s+(?:only\s+)?at|considering|taking|based\s+on|in|from|across|among)\b[^?]*?"
                      r"(?=,|\b(?:which|where|what|how\s+many)\b)", " ", work, flags=re.I)
    q.asks_when = bool(_WHEN_RE.search(text)) and not _NEXT_RE.search(text)  # "when is the next one": asks_next
    q.asks_lead = bool(_WHO_LED_RE.search(text))
    q.asks_next = bool(_NEXT_RE.search(text))
    q.asks_outcome = bool(_CONCLUDE_RE.search(text))
    q.asks_number = bool(_NUMBER_RE.search(text))
    if _FIGURE_RE.search(text):
        q.asks_figure = "money" if _MONEY_RE.search(text) and not re.search(r"\bhow\s+many\b", text, re.I) \
            else "count"
    elif _CLOCK_RE.search(text):
        q.asks_figure = "clock"
    elif _PERSON_RE.search(text) and not q.asks_lead:
        # "who is the chair of X" asks for a person; "who is the parent carer forum", "the
        # name of the X" for a name, a person's or one the area gives a service
        q.asks_figure = "person" if _ROLE_OF_RE.search(text) else "name"
    else:
        q.asks_figure = next((k for k, rx in _CONTACT_RE.items() if rx.search(text)), q.asks_figure)
    q.advice = bool(_ADVICE_RE.search(text))
    if q.asks_when and not q.areas and not q.regions and _OFF_WHEN_RE.search(text):
        q.asks_when = False  # "when is the next general election": not a question about an inspection
    # ("are there", "is there": existential, not a pointer back; "were there" may point back)
    q.anaphora = bool(re.search(r"\b(?:those|these|them|that|it|its|(?<!are\s)(?<!is\s)there|"
                                r"their|they|same|ones)\b", text, re.I)) and len(text.split()) <= 14

    m = _COUNT_RE.search(work)
    n_areas = len(q.areas)
    if m and not re.search(r"\bhow\s+many\s+(?:children|young|pupils|parents|families|people|schools|weeks|"
                           r"days|months|cases|staff|places|referrals|plans|requests)\b", work, re.I):
        q.intent = "count"
        unit = next((g for g in m.groups() if g), "").lower()
        q.count_unit = "documents" if re.match(_UNIT_DOC, unit, re.I) else "areas"
    elif n_areas >= 2 and _WHICH_BETTER_RE.search(text):
        q.intent, q.asks_outcome = "compare", True
        work = _WHICH_BETTER_RE.sub(" ", work)
    elif n_areas >= 2 and _COMPARE_FRAME_RES[0].match(work):
        q.intent = "compare"  # "how do A and B compare on X": the frame says what is asked
    elif (_SET_RE.search(work) or _WHICH_OF_RE.match(text)
          or (q.regions and re.match(r"^\s*(?:are\s+there\s+)?any\b", text, re.I))) and n_areas != 1:
        q.intent = "set"
    elif q.regions and not n_areas and not q.unknown_areas:
        q.intent = "set"  # "nw areas bad ehcps": every letter in the region, one by one
    elif n_areas >= 2 or (n_areas == 1 and (_COMPARE_RE.search(work) or _BETWEEN_YEARS_RE.search(text)
                                             # "dudley since 2019, better on X?": one area from a year on
                                             or (q.since is not None and q.until is None
                                                 and re.search(r"\b(?:better|worse|improved|improving|improvements?)\b", work, re.I))
                                             or _YEAR_VS_YEAR_RE.search(text))):
        q.intent = "compare"
    if q.intent in ("set", "count"):
        work = _outcome(q, work)
    elif q.intent == "lookup" and q.areas and any(p.search(work) for _, p in OUTCOME_RES):
        # "did X have systemic failings?", "did X get a WSOA?": the letter's outcome answers it
        probe = Query(text=text)
        rest = _outcome(probe, work)
        if not re.search(r"[a-z]{3,}", re.sub(r"\b(?:did|does|do|was|were|is|are|has|have|had|get|got|given|a|an|the|"
                                              r"any|its|their|in|of|for|with)\b", " ", rest, flags=re.I), re.I):
            q.asks_outcome, work = True, rest
    _clauses(q, work)
    if (q.intent == "lookup" and not q.areas and not q.unknown_areas and not q.asks_when and not q.asks_lead
            and not q.asks_next and (q.exclude_areas or any(c.explicit and c.polarity and c.topic for c in q.clauses))):
        q.intent = "set"  # "2024 local offer praised?", "X, excl Kent": a lean or an exclusion, no area: where
    if q.intent == "compare":
        # "bolton v bury short breaks", "which is better at camhs, A or B", "A compared with
        # B on X": what is left of the comparison's frame once the areas are out
        for c in q.clauses:
            t = re.sub(r"\b(?:which|who|where)\s+(?:is|was|are|were|did|does|do)\s+(?:better|worse|best|worst)"
                       r"(?:\s+(?:at|on|for|in|with))?\b|\b(?:or\s+)?(?:better|worse)\b|"
                       r"(?<![\w.])(?:v|vs|versus)\.?(?![\w.])", " ", c.topic, flags=re.I)
            t = re.sub(r"^[\s:;,.–—-]*(?:(?:on|about|regarding|over|in\s+terms\s+of)\s+)?|[\s:;,.–—-]*(?:\bor)?[\s:;,.–—-]*$",
                       "", t, flags=re.I)
            c.topic = re.sub(r"\s+", " ", t).strip()
    if q.intent in ("lookup", "compare"):
        # "what were X's strengths?", "its main weaknesses": a lean, no topic
        for c in q.clauses:
            m = _STANCE_NOUN_RE.fullmatch(c.topic)
            if m:
                c.topic, c.polarity, c.explicit = "", (1 if m.group("pos") else -1), True
            elif c.polarity and _FRAME_ONLY_RE.fullmatch(c.topic):
                c.topic = ""  # "what are the biggest problems in X?", "what's good about X?": a lean
            elif _OVERVIEW_RE.fullmatch(c.topic):
                c.topic = ""  # "tell me about X", "a summary of the X report": the letter's headline
            elif c.polarity and c.explicit:
                # "what does X need to do better on EHC plans": the wh-frame left before the topic
                c.topic = re.sub(r"^\s*(?:what|which)\s+(?:does|did|do|should|must|has|have)\s+(?=\w)", "",
                                 c.topic, flags=re.I)
        # "what was the overall judgement", "how was it rated": the outcome frame, no topic.
        q.clauses = [c for c in q.clauses
                     if not c.topic or not re.fullmatch(_OUTCOME_FRAME_WORDS, c.topic + " ", re.I)
                     or (c.polarity and not q.asks_outcome and not _WHICH_BETTER_RE.search(text))]
        if not q.clauses and re.search(r"\bgrade|\brat(?:ed|ing)\b", text, re.I):
            q.asks_outcome = True
    return q


def _areas(q: Query, work: str, indexed: list[str], common: frozenset[str]) -> str:
    """Find areas (indexed, known elsewhere, excluded) and regions; blank them out."""
    names = {a.lower(): a for a in indexed}
    for surface, canon in known_area_names().items():
        names.setdefault(surface, canon)
    spans: list[tuple[int, int, str]] = []
    low = work.lower()
    # A grouping named after a place ("Greater Manchester", "Liverpool City Region") is
    # read before the place inside it.
    for surface in sorted((r for r in REGION_NAMES if any(n in r and n != r for n in names)), key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])(?:the\s+)?" + re.escape(surface) + r"(?![\w-])", low):
            if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), "region:" + REGION_NAMES[surface]))
    for surface in sorted(names, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?:'s|s')?(?![\w-])", low):
            if any(a < m.end() and m.start() < b for a, b, _ in spans):
                continue
            typed = work[m.start(): m.end()]
            if surface in common and not typed[:1].isupper():
                continue  # "concerns about reading": an ordinary word, not Reading
            spans.append((m.start(), m.end(), names[surface]))
    for surface in sorted(REGION_NAMES, key=len, reverse=True):
        for m in re.finditer(r"(?<![\w-])(?:the\s+)?" + re.escape(surface) + r"(?![\w-])", low):
            if any(a < m.end() and m.start() < b for a, b, _ in spans):
                continue
            spans.append((m.start(), m.end(), "region:" + REGION_NAMES[surface]))
    indexed_set = set(indexed)
    excluded_from = None
    ex = _EXCLUDE_RE.search(work)
    if ex is None:
        # "outside Camden and Kent": exclusion only when a place follows ("outside the
        # area" is a topic: placements out of area)
        # and it sets the scope ("boroughs outside X", "Outside X, which ..."), not the topic
        # ("pupils schooled outside X").
        ex = next((m for m in _OUTSIDE_RE.finditer(work)
                   if any(a == m.end() or (c.startswith("region:") and work[m.end():a].strip().lower() == "the")
                          for a, _b, c in spans)
                   and _OUTSIDE_SCOPE_RE.search(work[: m.start()])), None)
    if ex:
        excluded_from = ex.start()
    for a, _b, canon in sorted(spans):
        if canon.startswith("region:"):
            into = q.exclude_regions if excluded_from is not None and a >= excluded_from else q.regions
            if canon[7:] not in into:
                into.append(canon[7:])
            continue
        if excluded_from is not None and a >= excluded_from:
            if canon not in q.exclude_areas:
                q.exclude_areas.append(canon)
        elif canon in indexed_set:
            if canon not in q.areas:
                q.areas.append(canon)
        elif canon not in q.unknown_areas:
            q.unknown_areas.append(canon)
    out = list(work)
    for a, b, _ in spans:
        out[a:b] = " " * (b - a)
        # "families in Durham were ...": the preposition that carried the place goes with it
        glue = re.search(r"\b(?:in|for|of|at|from|within|across)\s+(?:the\s+)?(?:(?:london\s+)?borough\s+of\s+)?$",
                         work[:a], re.I)
        if glue:
            out[glue.start():a] = " " * (a - glue.start())
    work = "".join(out)
    if ex:
        work = work[: ex.start()] + " " * (ex.end() - ex.start()) + work[ex.end():]
        # "apart from Medway and Bolton, ...": the glue between the excluded names goes too
        # ("other than those in London": the pronoun for the places goes with them)
        work = work[: ex.start()] + re.sub(r"^[\s,]*(?:(?:and|or|nor|&)[\s,]+)*(?:(?:those|the\s+ones|ones|the\s+areas|areas|"
                                           r"councils|las)\s+(?:in|from|of)?\s*(?=\s|,|$))?",
                                           " ", work[ex.start():], flags=re.I)
        work = re.sub(r"(?<=\s)(?:and|or|&)(?=\s*(?:,|$))", " ", work, flags=re.I)
    # Leftover glue around removed names: "in , and", "for 's", "the borough of".
    work = re.sub(r"\b(?:in|for|of|at|about|from|by)\s+(?:the\s+)?(?:(?:london\s+)?borough\s+of\s+)?"
                  r"(?=\s*(?:[,?.;]|and\b|or\b|$))", " ", work, flags=re.I)
    work = re.sub(r"\b(?:the\s+)?(?:london\s+)?boroughs?\b", " ", work, flags=re.I) if q.regions else work
    return work


def _areas_of(regions: list[str]) -> set[str]:
    return {a for r in regions for a in region_areas(r)}


def region_scope(q: Query) -> set[str]:
    """The areas of the regions the question is scoped to ("in the north west")."""
    return _areas_of(q.regions)


def excluded_by_region(q: Query) -> set[str]:
    """The areas of the regions the question sets apart ("excluding London")."""
    return _areas_of(q.exclude_regions)


def _years(q: Query, work: str, today: datetime.date | None = None) -> str:
    # "in summer 2023", "in May 2023": the year is the scope (letters are dated by year here)
    work = re.sub(r"\b(?:(?:early|late|mid)\s*-?\s*)?(?:spring|summer|autumn|fall|winter|january|february|march|april|may|"
                  r"june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
                  r"\.?\s+(?=(?:of\s+)?(?:19|20)\d\d\b)(?:of\s+)?", " ", work, flags=re.I)
    # "since 23", "pre-'19", "in '24": a two-digit year after a time word is 20YY ("post-16",
    # "after 18" and "up to 25" are ages: only "since" takes a bare two-digit year)
    work = re.sub(r"\b(since|before|after|until|till|from|pre|post|in|during)(\s*-?\s*)'(\d\d)\b|"
                  r"\b(since)(\s+)(\d\d)\b(?!\s*(?:%|per\s*cent|weeks?|"
                  r"months?|days?|years?|areas?|councils?|reports?|letters?|children|pupils|[-.:/]\d))",
                  lambda m: f"{m.group(1) or m.group(4)}{m.group(2) or m.group(5) or ' '}20{m.group(3) or m.group(6)}",
                  work, flags=re.I)
    m = _LAST_YEARS_RE.search(work)
    if m:  # "in the last 2 years": from that many years before today's
        word = (m.group(1) or "a").lower()  # "in the past year": one
        n = int(word) if word.isdigit() else _SMALL_NUMBERS.get(word)
        if n:
            q.since = (today or datetime.date.today()).year - n
            return work[: m.start()] + " " + work[m.end():]
    for pattern, how in _YEAR_PHRASE_RES:
        m = pattern.search(work)
        if not m:
            continue
        ys = [int(g) for g in m.groups() if g]
        if how == "range":
            q.since, q.until = min(ys), max(ys)
        elif how == "before":
            q.until = ys[0] - 1
        elif how == "until":
            q.until = ys[0]
        elif how == "after":
            q.since = ys[0] + 1
        elif how == "since":
            q.since = ys[0]
        else:
            q.since = q.until = ys[0]
        work = work[: m.start()] + " " + work[m.end():]
        break
    return _Y.sub(" ", work)


def _outcome(q: Query, work: str) -> str:
    if _WSOA_NEG_RE.search(work):
        q.outcome, q.outcome_negated = "wsoa_required", True
        m = _WSOA_NEG_RE.search(work)
        return _strip_outcome(work, m.start(), m.end())
    for outcome, pattern in OUTCOME_RES:
        m = pattern.search(work)
        if m:
            q.outcome = outcome
            before = work[: m.start()]
            neg = re.search(r"\b(?:not|n't|never|no)\b[^,;]{0,25}$", before, re.I)
            if neg and not re.search(r"\bnot\s+(?:made\s+)?(?:sufficient|enough)\b", work[neg.start():m.end()], re.I):
                q.outcome_negated = True
                return _strip_outcome(work, neg.start(), m.end())
            return _strip_outcome(work, m.start(), m.end())
    return work


def _strip_outcome(work: str, a: int, b: int) -> str:
    """Remove the outcome phrase and the verb frame that carries it ("were judged to have")."""
    before = work[:a]
    verb = _OUTCOME_VERB_RE.search(before)
    other = _GOVERNING_VERB_RE.search(before)
    if other and not (verb and verb.group().strip() and verb.start() <= other.start()):
        # any other verb that governs the outcome ("asked for a", "called for a", "ordered to
        # write a", "triggered a"): a word in -ed/-s with its particle or article, right
        # before the outcome phrase
        before = before[: other.start()]
    elif verb and verb.group().strip():
        before = before[: verb.start()]
    before = re.sub(r"\b(?:judged|found|rated)\s+(?:to\s+(?:have|be)\s+)?(?:as\s+)?(?:having\s+)?$", " ", before, flags=re.I)
    before = re.sub(r"\b(?:made|make|makes|making|show(?:ed|s|ing)?)\s+$", " ", before, flags=re.I)
    after = re.sub(r"^\s*(?:for\s+(?:children|pupils)(?:\s+and\s+young\s+people)?(?:\s+with\s+send)?|"
                   r"(?:in|for)\s+(?:their|the)\s+(?:send\s+)?(?:arrangements|inspection|report)|"
                   r"being\s+required|(?:was|were|being)?\s*(?:required|needed|issued|produced)|"
                   r"(?:in\s+)?(?:their|the)\s+(?:latest\s+)?(?:report|inspection))", " ", work[b:], flags=re.I)
    return before + " " + after


def _clauses(q: Query, work: str) -> None:
    parts: list[tuple[str, str]] = []  # (operator before, clause text)
    both = _BOTH_RE.search(work)
    if both:
        if both.group("a") is not None:
            prep = both.group("prep") or ""
            work = work[: both.start()] + f" {prep}{both.group('a')} and also {prep}" + work[both.end():]
        else:
            work = work[: both.start()] + f" and also {both.group('b')} " + work[both.end():]
    pos, op = 0, "and"
    for m in _CONNECT_RE.finditer(work):
        parts.append((op, work[pos: m.start()]))
        op = "or" if (m.group("op") or m.group("op2")).lower() == "or" else "and"
        pos = m.end()
    parts.append((op, work[pos:]))
    if any(o == "or" for o, _ in parts[1:]):
        q.combine = "or"
    clauses = []
    for _, raw in parts:
        c = _clause(raw)
        if c.topic or c.negated or c.polarity:
            clauses.append(c)
    # "criticised for X and also for Y": a clause with no lean of its own that opens with the
    # preposition of the frame before it is that frame again.
    for i, c in enumerate(clauses):
        if i and not c.polarity and not c.negated and clauses[i - 1].polarity and re.match(
                r"^\s*(?:also\s+|too\s+)?(?:for|over|about|on|with|around|in|at)\b", c.text, re.I):
            c.polarity, c.explicit = clauses[i - 1].polarity, True
            c.topic = re.sub(r"^\s*(?:also\s+|too\s+)?(?:for|over|about|on|with|around|in|at)\s+", "", c.topic, flags=re.I)
    # "praised for both X and Y", "X and Y both good": the one lean given is both clauses'.
    if both and len(clauses) >= 2:
        lean = next((c.polarity for c in clauses if c.polarity and not c.negated), 0)
        for c in clauses:
            if lean and not c.polarity and not c.negated:
                c.polarity, c.explicit = lean, True
    # "... and not criticised for the delays in them": a clause whose topic is only a pronoun
    # takes the topic of the clause before it.
    for i, c in enumerate(clauses):
        if i and (_is_pronoun_topic(c.topic) or _is_pronoun_topic(c.text)):
            c.topic = (c.topic + " " + clauses[i - 1].topic).strip()
    q.clauses = clauses


def _frame_noun(m: re.Match[str]) -> str:
    """A frame noun leaves the topic ("the council's local offer"), but a council the topic
    is about stays: "complaints to the council", "funded by the council"."""
    before = m.string[: m.start()]
    if re.match(r"(?:local\s+)?councils?$", m.group(0), re.I) and re.search(
            r"\b(?:to|by|from|with|at|against|within|across)\s+(?:the|their|its|a|each)\s+$", before, re.I):
        return m.group(0)
    return " "


def _is_pronoun_topic(topic: str) -> bool:
    return bool(re.search(r"\b(?:them|it|those|these|this|that|their|its)\b", topic, re.I)) and len(topic.split()) <= 6


def _clause(raw: str) -> Clause:
    s = raw.strip(" ,;:-–—")
    s = _ASIDE_RE.sub(" ", s).strip(" ,;:-–—")
    m = _WHAT_HAD_RE.match(s)
    if m:  # "what problems did X have?", "what areas for improvement did X get?": the noun phrase
        s = (m.group("np") + (" for " + m.group("who").strip() if m.group("who").strip() else "")).strip()
    tail_lean = 0
    m = _TAIL_EVAL_RE.search(s)
    if m and m.start() > 0:  # "X - which areas were bad?": the lean asked for comes last
        tail_lean = 1 if m.group("pos") else -1
        s = s[: m.start()].strip(" ,;:-–—")
    # A preamble of scope words only ("In the ... from ..., where were ..."): its content
    # was read as scope already.
    m = _PREAMBLE_RE.match(s) or _UNIT_PREAMBLE_RE.match(s)
    if m:
        content = [w for w in re.findall(r"[a-z]+", m.group(1).lower()) if w not in _SCOPE_GLUE]
        # "For children in care, which areas were praised for X": the preamble narrows the
        # topic, so it goes after it ("X for children in care").
        rest = s[m.end():]
        # "X - which?", "X, where?": the frame alone after the dash asks which areas say X.
        rest = re.sub(rf"^\s*(?:in\s+)?(?:which|where)(?:\s+(?:ones|{_UNIT}))?\s*\??\s*$", " ", rest, flags=re.I)
        if content:  # "portage - which areas praised it?": the pronoun is the preamble
            rest = re.sub(r"\b(?:it|them|this|that|these|those)\s*(\??)\s*$", r"\1", rest, flags=re.I)
        s = rest + (" " + m.group(1).strip() if content else "")
    else:
        m = _GLUE_PREAMBLE_RE.match(s)  # "in the joint inspections which areas ...": scope words only
        if m and all(w in _SCOPE_GLUE for w in re.findall(r"[a-z]+", m.group(1).lower())):
            s = s[m.end():]
    # "which areas say that" after the question mark is the frame, not the topic.
    s = _SAY_TAIL_RE.sub("", s).strip(" ,;:-–—")
    s = _COUNT_FRAME_RE.sub("", s, count=1)  # "count the areas praised for X", "what share of reports ..."
    m = _LIKED_RE.match(s)
    if m:  # "what did inspectors like (about X)?": praise; "dislike", "not like": criticism
        tail_lean = -1 if m.group("neg") else 1
        s = s[m.end():]
    # "who is the director of ...", "what is the name of the chair of ...": the role asked about
    s = _PERSON_FRAME_RE.sub("", s, count=1)
    m = _LOOKUP_FRAME_RE.match(s)
    if m:
        # "what did they say about X" -> X; "what problem did they find with X" -> "problem with X"
        head = (m.group("noun") + " " + (m.group("prep") or "")) if m.group("noun") else ""
        s = (head + s[m.end():]).strip()
    m = _LIKE_FRAME_RE.match(s)
    if m:  # "what are the waits like (in X)?", "how is the local offer?": the noun phrase
        s = m.group("np") or m.group("np2")
        s = "" if s.lower() in ("doing", "going", "working", "getting on") else s  # "how is X doing?"
    for pat in _COMPARE_FRAME_RES:
        s = pat.sub("", s, count=1).strip(" ,;:-–—")
    for _ in range(4):  # frames nest: "which areas did inspectors find were ..."
        before = s
        for pat in _FRAME_RES:
            s = pat.sub("", s, count=1).strip(" ,;:-–—")
        if s == before:
            break
    negated = False
    m = _NEGATION_RE.match(s)
    if m and not _ABSENCE_RE.match(s):  # "not enough EP capacity" is absence, not negation
        negated = True
        s = s[m.end():]
        for pat in _FRAME_RES:
            s = pat.sub("", s, count=1).strip(" ,;:-–—")
    polarity, explicit = 0, False
    m = _ABSENCE_RE.match(s)
    if m and m.group().strip():
        polarity, explicit = -1, True
        s = s[m.end():]
        c = _CONCERN_RE.search(s)
        if c and re.match(r"\s*(?:no|without)\b", m.group(), re.I):
            # "no concerns about X", "no X problems": not criticised for X (the complement),
            # not "lacking X"
            negated = True
            s = (s[: c.start()] + " " + s[c.end():]).strip()
    m = _WAS_IT_RE.match(s)
    if m and not _THAT_EVAL_RE.match(s):  # "was transport a problem (in A and B)?"
        polarity, explicit = (-1 if m.group("neg") else 1), True
        s = m.group("topic")
        n = re.search(r"\s+(?:not|never)$|n't$", s, re.I)
        if n:  # "where were waits not a problem?": the complement
            negated, s = True, s[: n.start()]
    m = _THAT_EVAL_RE.match(s)
    if m:  # "was that a problem in Kent?": a judgement of what was asked before
        polarity, explicit = (-1 if m.group("neg") else 1), True
        s = re.sub(r"^\s*(?:(?:there|here|too|also|as\s+well|again|then)\b\s*)+", "", s[m.end():], flags=re.I)
    m = _MENTIONED_RE.search(s)
    if m and not polarity and s[: m.start()].strip():  # "in how many letters is X mentioned"
        explicit = True
        s = s[: m.start()]
    m = _NEUTRAL_RE.search(s)
    if m and not polarity:
        explicit = True  # "mention", "refer to": any mention counts, whatever its lean
        s = (s[: m.start()] + " " + s[m.end():]).strip()
    m = _EVAL_RE.search(s)
    if m:
        polarity, explicit = (1 if m.group("pos") else -1), True
        # "letters that criticised X": the relative pronoun goes with its verb
        head = re.sub(r"\b(?:which|that|who)\s+(?:(?:were|was|have|has|had)\s+)?$", " ", s[: m.start()], flags=re.I)
        # "did the ICB get criticised", "received criticism for X", "did CQC flag concerns about
        # X": the verb that carries the lean word, and who said it, are frame
        head = re.sub(r"(?:^|\s)(?:(?:the\s+)?(?:inspectors?|inspection(?:\s+team)?|ofsted|cqc|they|reports?|letters?)\s+)?"
                      r"(?:(?:get|gets|got|getting|been|being|be|were|was|is|are|receive[ds]?|receiving|drew|draws?|"
                      r"attract(?:ed|s)?|came\s+in\s+for|come\s+in\s+for|flag(?:ged|s)?|raise[ds]?|express(?:ed|es)?|"
                      r"voice[ds]?|ha(?:ve|s|d)|identif(?:y|ied|ies)|note[ds]?)\s*)+$", " ", head, flags=re.I)
        s = (head + " " + s[m.end():]).strip()
    m = _MANNER_RE.search(s)
    if m:  # "mention X positively", "write about X critically"
        polarity, explicit = (1 if m.group("pos") else -1), True
        s = s[: m.start()].strip()
    if tail_lean and not polarity:
        polarity, explicit = tail_lean, True
    # "funded by a charity rather than by the NHS": what it is contrasted with is not the topic
    s = re.sub(r"\s*,?\s*\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\b.*$", "", s, flags=re.I) or s
    text = s
    topic = _FRAME_NOUNS_RE.sub(_frame_noun, re.sub(r"[(\[]\s*[)\]]", " ", s))  # "( )": an area taken out
    if topic.count("(") != topic.count(")"):  # "(not Kent)" read as scope leaves a lone ")"
        topic = re.sub(r"[()]", " ", topic)
    topic = re.sub(r"^\s*(?:the\s+)?'s?\b\s*", " ", topic)  # "the council's X" with "council" taken out
    for _ in range(4):
        before = topic
        topic = _TAIL_RE.sub(" ", topic).strip()
        if topic == before:
            break
    # "areas with poor X had ...", "areas whose X were poor ...", "areas that had poor X got
    # ...": the relative frame around the topic once the outcome is out
    topic = re.sub(r"^\s*(?:with|whose|that(?=\s+(?:were|was|is|are|had|have|has|did|got|get)\b))\s+", " ", topic,
                   flags=re.I)
    topic = re.sub(r"^\s*(?:(?:were|was|is|are|had|have|has|did|do|does|been|be|being|get|got)\s+)+", " ", topic, flags=re.I)
    topic = re.sub(r"\s+", " ", topic).strip(" ,;:-–—?.!'\"")
    m = _NOT_A_PROBLEM_RE.search(topic)
    if m and not polarity and topic[: m.start()].strip():  # "where were waits not a problem?"
        polarity, explicit, negated = -1, True, True
        topic = topic[: m.start()].strip()
    topic = re.sub(r"^\W*only\b\W*", "", topic, flags=re.I)  # "latest reports only - X"
    topic = re.sub(r"^\s*(?:either|both)\s+|\s+(?:both|either)\s*$", " ", topic, flags=re.I).strip()
    topic = re.sub(rf"^\s*{_UNIT}\s+(?!(?:for|of)\b)(?=\w)", "", topic, flags=re.I)  # "nw areas bad ehcps"
    for pat in _EDGE_EVAL_RES:
        m = pat.search(topic)
        if m and not polarity and (topic[: m.start()] + topic[m.end():]).strip():
            polarity, explicit = (1 if m.group("pos") else -1), True
            topic = (topic[: m.start()] + " " + topic[m.end():]).strip()
    topic = re.sub(r"^\s*that\s+", "", topic, flags=re.I)  # "(found) that waits were long"
    # "areas where AP was (a concern)": the copula the lean word leaned on
    topic = re.sub(r"(?<=\w)\s+(?:was|were|is|are|as|been|being|be)\s*$", "", topic, flags=re.I)
    if not re.search(r"[a-z0-9]{2,}", topic, re.I) or _BARE_FRAME_RE.match(topic) \
            or re.fullmatch(rf"\W*(?:(?:the|all|any|{_UNIT})\W*)+", topic, re.I):  # "north east areas": the unit alone
        topic = ""
    return Clause(text=text.strip(), topic=topic, polarity=polarity, explicit=explicit, negated=negated)
