"""Phrase data of the reply scorer: channels, topics and what each reply *act* looks like.

Data only — the patterns that :mod:`sim.scoring.reading` uses to find what a reply does. Each
entry is a small regular expression over *normalised* text (:func:`sim.scoring.reading.normalise`:
NFKC, case-folded, straight quotes, accents stripped, English contractions expanded), matched as
whole words. Lists are keyed by language (``en``, ``es``, ``fr`` are scored; other languages are
only recognised, see :mod:`sim.scoring.language`).

Sources: the domain articles in ``shared/domain`` (respond fast and personally, apologise, own it,
no scripts, take personal matters to DM, empower reps), DESIGN §6–§7, Einwiller & Steilen 2015
(what care replies contain: information, thanks, regret, corrective action) and common care-team
style guides. Nothing here is scored by its mere presence: a phrase counts only inside a
sentence that reads as one (see the coherence checks in :mod:`sim.scoring.gates`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .. import calibration as cal

# The channel and action words live in sim.vocab; re-exported here for the scorer's callers.
from ..vocab import CHANNEL_ALIASES as CHANNEL_ALIASES
from ..vocab import CHANNEL_MAX_CHARS as CHANNEL_MAX_CHARS
from ..vocab import PLATFORM_HARD_LIMIT as PLATFORM_HARD_LIMIT
from ..vocab import PRIVATE_SOCIAL_MAX_CHARS as PRIVATE_SOCIAL_MAX_CHARS
from ..vocab import SAFETY_TOPICS as SAFETY_TOPICS
from ..vocab import SOCIAL_KINDS as SOCIAL_KINDS
from ..vocab import ChannelKind as ChannelKind
from ..vocab import ReplyAction as ReplyAction
from ..vocab import channel_kind as channel_kind
from ..vocab import max_chars as max_chars

# When a good reply promises the next update, by channel (used in the better replies).
CHANNEL_TIMEFRAME: Mapping[ChannelKind, str] = MappingProxyType(
    {
        ChannelKind.TWITTER: "within the hour",
        ChannelKind.FACEBOOK: "within the hour",
        ChannelKind.INSTAGRAM: "within the hour",
        ChannelKind.REVIEW: "within one working day",
        ChannelKind.EMAIL: "by the end of tomorrow",
        ChannelKind.CHAT: "before we finish this chat",
        ChannelKind.PHONE: "today",
        ChannelKind.OTHER: "today",
    }
)
DEFAULT_BRAND = "Stormdesk Air"


# --- Topics -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicGuide:
    """What a reply about a topic mentions, and how a good rep would phrase it.

    ``keywords`` are phrase patterns (normalised, lower-case, any scored language) that name the
    issue; ``issue``, ``next_step``, ``details`` and ``team`` fill the English better replies.
    """

    keywords: tuple[str, ...]
    issue: str
    next_step: str
    details: str
    team: str


# One guide per sim.vocab.Topic (tests/test_vocab.py checks that they match).
TOPIC_GUIDES: Mapping[str, TopicGuide] = MappingProxyType(
    {
        "billing": TopicGuide(
            ("bill", "bills", "billing", "billed", "charges?", "charged", "overcharged",
             "invoices?", "payments?", "direct debit", "statements?", "fees?", "double charged",
             "factura", "facturas", "cobro", "cobros", "cobrado", "cargo", "cargos", "recibo",
             "facture", "factures", "facturation", "prelevement", "preleve", "debite", "frais"),
            "the charge on your bill",
            "check the charge and refund anything taken in error",
            "account email and the date of the charge",
            "billing",
        ),
        "delivery": TopicGuide(
            ("deliver(?:y|ies|ed)?", "parcels?", "packages?", "shipments?", "shipping",
             "shipped", "couriers?", "tracking", "arrived?", "arriving", "dispatch(?:ed)?",
             "late order", "missing order", "bags?", "luggage", "depot", "van", "driver",
             "pedido", "paquete", "envio", "entrega", "repartidor", "mensajero",
             "colis", "livraison", "livre", "livreur", "commande"),
            "your delayed delivery",
            "chase the courier and send you a firm delivery date",
            "order number",
            "logistics",
        ),
        "product_quality": TopicGuide(
            ("broken", "broke", "faulty", "fault", "defective", "damaged", "quality",
             "stopped working", "cracked", "scratched", "replacement", "repairs?",
             "falling apart", "not working properly", "wrong size",
             "roto", "rota", "defectuoso", "defectuosa", "averiado", "estropeado", "calidad",
             "casse", "cassee", "defectueux", "defectueuse", "abime", "qualite", "en panne"),
            "the faulty product",
            "arrange a free replacement",
            "order number and a photo of the fault",
            "product quality",
        ),
        "account_access": TopicGuide(
            ("locked out", "locked", "log ?in", "logging in", "sign ?in", "signing in",
             "logged out", "access", "account access", "password reset", "reset link",
             "two[- ]factor", "verification code", "your account",
             "cuenta", "acceso", "bloqueada", "bloqueado", "iniciar sesion",
             "compte", "acces", "bloque", "connexion", "connecter"),
            "being locked out of your account",
            "get you back into your account",
            "account email",
            "account security",
        ),
        "outage": TopicGuide(
            ("outages?", "offline", "is down", "was down", "went down", "still down",
             "not working", "disruption", "interruption", "connection", "connectivity",
             "back online", "back up", "restored?", "service is back", "app", "website",
             "broadband", "signal", "network", "internet", "wifi", "power",
             "caida", "sin servicio", "sin conexion", "corte", "averia", "red",
             "panne", "coupure", "reseau", "hors service", "plus de connexion"),
            "the outage",
            "keep you updated here until everything is back",
            "postcode or the area you are in",
            "technical",
        ),
        "product_safety": TopicGuide(
            ("safety", "safe", "unsafe", "dangerous", "hazard", "recall(?:ed)?",
             "injur(?:y|ies|ed)", "burn(?:s|t|ed)?", "overheat(?:s|ed|ing)?", "fire", "smoke",
             "spark(?:s|ed)?", "melted", "choking", "allerg(?:y|ic|ies)",
             "seguridad", "peligro(?:so|sa)?", "retirada", "quemadura", "incendio", "humo",
             "securite", "dangereux", "dangereuse", "rappel", "brulure", "incendie", "fumee"),
            "the safety problem with your product",
            "arrange a safe collection and a full refund",
            "order number and the product's batch code",
            "product safety",
        ),
        "service": TopicGuide(
            ("staff", "rude", "agents?", "representatives?", "crew", "employees?", "treated",
             "attitude", "manager", "on hold", "queue", "how you were treated", "experience",
             "appointment", "engineer",
             "personal", "empleado", "empleada", "atencion", "grosero", "maleducado", "trato",
             "personnel", "employe", "accueil", "impoli", "conseiller", "attente"),
            "how you were treated",
            "share this with the team lead and find out what happened",
            "the date, time and place it happened",
            "customer relations",
        ),
        "refund": TopicGuide(
            ("refunds?", "refunded", "money back", "reimburse(?:d|ment)?", "returns?",
             "returned", "owed",
             "reembolso", "reembolsar", "devolucion", "devuelto",
             "remboursement", "rembourse", "rembourser", "retour"),
            "your missing refund",
            "trace your refund and make sure it reaches you",
            "order number and the refund date",
            "refunds",
        ),
    }
)  # fmt: skip
# The topics whose fixes need account or order details (in public they belong in DM) are the
# model's: one definition, in sim.calibration.
TOPICS_NEEDING_PRIVATE_DETAILS = cal.TOPICS_NEEDING_PRIVATE_DETAILS


def topic_guide(topic: str) -> TopicGuide:
    """The guide of ``topic``; an unknown topic gets a generic one built from its name."""
    if topic in TOPIC_GUIDES:
        return TOPIC_GUIDES[topic]
    words = [w for w in re.split(r"[\W_]+", topic.casefold()) if len(w) > 2]
    label = " ".join(words)
    return TopicGuide(
        tuple(re.escape(w) for w in words),
        f"the {label} problem" if label else "the problem you raised",
        "look into this personally and come back to you with an answer",
        "order or booking reference",
        "specialist",
    )


# --- Languages --------------------------------------------------------------------------------
# Languages whose replies are scored; others are recognised (language.py) and declined honestly.
SCORED_LANGUAGES = ("en", "es", "fr")
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
        "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "el": "Greek",
        "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "th": "Thai", "zh": "Chinese",
        "ja": "Japanese", "ko": "Korean", "pl": "Polish", "sv": "Swedish", "tr": "Turkish",
        "da": "Danish", "nb": "Norwegian", "fi": "Finnish", "cs": "Czech", "ro": "Romanian",
        "hu": "Hungarian", "ca": "Catalan", "cy": "Welsh",
    }
)  # fmt: skip
# Function words: the glue of real sentences. They identify the language (language.py), measure
# whether a reply reads as sentences rather than a keyword string (gates.py), and never count as
# naming the customer's issue. Pronouns "I"/"we" and modals are left out on purpose: they are
# the words keyword salad is made of.
FUNCTION_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "en": frozenset(
            ["the", "a", "an", "to", "of", "for", "on", "in", "with", "at", "by", "from", "and", "but", "so", "as", "or", "if", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "there", "here", "you", "your", "yours", "they", "them", "their", "he", "she", "his", "her", "our", "us", "my", "me", "into", "onto", "over", "after", "before", "than", "then", "just", "up", "out", "about", "what", "when", "where", "which", "who", "how", "why", "not", "no", "nor", "all", "any", "some", "each", "every", "can", "could", "should", "would", "may", "might", "must", "do", "does", "did", "done", "also", "too", "very", "only", "even", "once", "again", "still", "while", "because", "since", "until", "till", "during", "through", "between", "off", "shall", "am"]
        ),
        "es": frozenset(
            ["el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "a", "en", "con", "por", "para", "que", "y", "o", "pero", "si", "no", "es", "son", "fue", "era", "ser", "estar", "esta", "este", "esto", "estos", "estas", "ese", "esa", "eso", "lo", "le", "les", "se", "su", "sus", "tu", "tus", "te", "ti", "mi", "mis", "nos", "nuestro", "nuestra", "nuestros", "nuestras", "muy", "mas", "ya", "me", "yo", "como", "cuando", "donde", "porque", "hay", "ha", "han", "he", "hemos", "has", "sin", "sobre", "entre", "hasta", "desde", "tambien", "todo", "toda", "todos", "todas", "cada", "otro", "otra", "ni", "pues", "aqui", "alli", "usted", "ustedes", "ella", "ellos", "nada", "asi", "algo", "mucho", "ahora", "luego", "aun", "solo", "tan", "tanto", "vos", "os", "vuestro"]
        ),
        "fr": frozenset(
            ["le", "la", "les", "un", "une", "des", "de", "du", "au", "aux", "a", "en", "dans", "avec", "pour", "par", "sur", "sous", "et", "ou", "mais", "si", "ne", "pas", "que", "qui", "quoi", "est", "sont", "etait", "etre", "avoir", "ai", "as", "avons", "avez", "ont", "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur", "leurs", "votre", "vos", "notre", "nos", "mon", "ma", "mes", "ton", "ta", "tes", "vous", "nous", "il", "elle", "ils", "elles", "on", "lui", "y", "tres", "plus", "deja", "comme", "quand", "ou", "parce", "aussi", "tout", "toute", "tous", "toutes", "chaque", "ni", "car", "donc", "ici", "la", "bien", "je", "j", "me", "m", "moi", "tu", "te", "t", "s", "c", "d", "l", "n", "qu"]
        ),
        "de": frozenset(
            ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder", "aber", "nicht", "ist", "sind", "war", "wir", "ihr", "sie", "ich", "du", "mit", "fur", "auf", "bei", "von", "zu", "im", "ins", "am", "noch", "schon", "sehr", "auch", "wie", "dass", "wenn", "weil", "haben", "hat", "habe", "ihre", "ihren", "ihnen", "uns", "unser", "unsere", "kein", "keine"]
        ),
        "it": frozenset(
            ["il", "lo", "la", "gli", "le", "un", "una", "uno", "di", "del", "della", "dei", "delle", "da", "dal", "dalla", "in", "con", "per", "su", "tra", "fra", "e", "ed", "o", "ma", "se", "non", "che", "chi", "come", "quando", "dove", "perche", "sono", "siamo", "siete", "ci", "vi", "ti", "mi", "ho", "ha", "hanno", "abbiamo", "avete", "questo", "questa", "quello", "quella", "molto", "gia", "anche", "ancora", "nostro", "nostra", "vostro", "vostra", "suo", "sua"]
        ),
        "pt": frozenset(
            ["o", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "com", "por", "para", "que", "e", "ou", "mas", "se", "nao", "e", "sao", "foi", "era", "ser", "estar", "esta", "este", "isto", "esse", "essa", "isso", "ao", "aos", "pelo", "pela", "seu", "sua", "seus", "suas", "voce", "voces", "nosso", "nossa", "muito", "ja", "como", "quando", "onde", "porque", "tem", "tenho", "temos", "vou", "vamos"]
        ),
        "nl": frozenset(
            ["de", "het", "een", "en", "of", "maar", "niet", "is", "zijn", "was", "waren", "wij", "jij", "u", "ik", "met", "voor", "op", "bij", "van", "te", "in", "aan", "dat", "die", "dit", "wat", "als", "omdat", "ook", "nog", "al", "heel", "onze", "uw", "hebben", "heeft", "wordt", "worden", "geen"]
        ),
        "pl": frozenset(
            ["jest", "nie", "ze", "jak", "ale", "czy", "jestem", "byl", "byla", "bylo", "byly", "dla", "przez", "przy", "juz", "tylko", "bardzo", "moj", "moja", "moje", "pani", "pana", "panstwo", "oraz", "ktory", "ktora", "ktore", "tego", "tym", "jego", "jej", "wam", "jeszcze", "zostaly", "zostal", "zostala", "mamy", "mam", "tej", "tych", "gdzie", "kiedy", "dlaczego", "ktorego", "ktorej", "mnie", "nic"]
        ),
        "sv": frozenset(
            ["och", "att", "det", "som", "ett", "ar", "jag", "inte", "pa", "av", "har", "kan", "ska", "eller", "fran", "efter", "nar", "vad", "mitt", "din", "oss", "sig", "ocksa", "redan", "hej", "vara", "vart", "inga", "ingen", "nagon"]
        ),
        "da": frozenset(
            ["og", "ikke", "jeg", "er", "det", "som", "med", "til", "har", "af", "kan", "skal", "eller", "efter", "hvad", "hvor", "ogsa", "kun", "jeres", "vores", "denne", "dette", "blevet", "bliver", "beklager"]
        ),
        "nb": frozenset(
            ["og", "ikke", "jeg", "er", "det", "som", "med", "til", "har", "av", "kan", "skal", "eller", "etter", "hva", "hvor", "ogsa", "kun", "deres", "vart", "dette", "denne", "blitt", "blir", "beklager"]
        ),
        "fi": frozenset(
            ["ei", "etta", "mutta", "tai", "kuin", "jos", "niin", "minun", "sinun", "meidan", "teidan", "olen", "oli", "ovat", "ole", "myos", "vain", "jo", "kun", "mita", "missa", "miksi", "koska", "nyt", "viela", "tama", "tuo"]
        ),
        "cs": frozenset(
            ["ze", "ale", "jak", "nebo", "jsem", "jsme", "jste", "jsou", "byl", "byla", "bylo", "pri", "uz", "jen", "velmi", "muj", "moje", "vase", "vas", "ktery", "ktera", "ktere", "tento", "tato", "toto", "kde", "kdy", "proc", "take", "jeste"]
        ),
        "ro": frozenset(
            ["sunt", "nu", "cu", "pentru", "pe", "din", "dar", "sau", "foarte", "acest", "aceasta", "acesti", "noi", "voi", "ei", "ele", "eu", "ea", "ati", "fost", "fi", "va", "vom", "doar", "unde", "cand", "cum", "rau", "pare", "multumim", "buna", "ziua", "dumneavoastra", "asta", "aceste", "acum", "nostru", "noastra", "vostru", "catre", "inca", "dupa", "despre", "fiecare", "trebuie", "poate", "avem"]
        ),
        "tr": frozenset(
            ["ve", "bir", "bu", "ile", "icin", "ama", "veya", "cok", "daha", "gibi", "kadar", "sonra", "biz", "siz", "onlar", "bunu", "sizin", "bizim", "degil", "mu", "var", "yok", "olarak", "olan", "neden", "nasil"]
        ),
        "hu": frozenset(
            ["az", "egy", "hogy", "nem", "vagy", "mint", "meg", "mar", "csak", "nagyon", "ez", "azt", "ezt", "volt", "lesz", "vagyok", "vagyunk", "onok", "kerem", "koszonjuk", "sajnos", "miert", "hol", "mikor"]
        ),
        "ca": frozenset(
            ["els", "amb", "unes", "perque", "aquest", "aquesta", "aquests", "aquestes", "som", "sou", "hem", "heu", "molt", "tambe", "encara", "nosaltres", "vosaltres", "ells", "meu", "meva", "seva", "ens", "sap", "greu", "gracies", "llavors", "doncs", "tots"]
        ),
        "cy": frozenset(
            ["yn", "yr", "ac", "mae", "wedi", "ddim", "fy", "eich", "ein", "chi", "nid", "ond", "neu", "hefyd", "iawn", "gyda", "gan", "lle", "pam", "roedd", "oedd", "rydw", "rydych", "rydyn", "ydy", "ydych", "hyn", "hwn", "yna", "yma", "diolch", "ymddiheuro", "nhw", "wrth", "dros", "heb", "rhaid", "gallu", "bydd", "byddwn", "cael", "chwi", "ichi", "inni", "efo", "dydy", "dyw"]
        ),
    }
)  # fmt: skip

# --- Contractions (English) -------------------------------------------------------------------
CONTRACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "i'm": "i am", "im": "i am", "i'll": "i will", "i've": "i have", "ive": "i have",
        "i'd": "i would", "we're": "we are", "we'll": "we will", "we've": "we have",
        "weve": "we have", "we'd": "we would", "you're": "you are", "youre": "you are",
        "you'll": "you will", "you've": "you have", "youve": "you have", "you'd": "you would",
        "they're": "they are", "theyre": "they are", "they'll": "they will",
        "it's": "it is", "it'll": "it will", "that's": "that is", "thats": "that is",
        "there's": "there is", "here's": "here is", "what's": "what is", "let's": "let us",
        "who's": "who is", "she'll": "she will", "he'll": "he will",
        "can't": "cannot", "cant": "cannot", "won't": "will not", "don't": "do not",
        "dont": "do not", "didn't": "did not", "didnt": "did not", "doesn't": "does not",
        "doesnt": "does not", "isn't": "is not", "isnt": "is not", "aren't": "are not",
        "arent": "are not", "wasn't": "was not", "wasnt": "was not", "weren't": "were not",
        "shouldn't": "should not", "shouldnt": "should not", "should've": "should have",
        "couldn't": "could not", "couldnt": "could not", "could've": "could have",
        "wouldn't": "would not", "wouldnt": "would not", "would've": "would have",
        "hasn't": "has not", "hasnt": "has not", "haven't": "have not", "havent": "have not",
        "hadn't": "had not", "y'all": "you all",
    }
)  # fmt: skip


# --- Reply acts, by language --------------------------------------------------------------------
@dataclass(frozen=True)
class LanguagePhrases:
    """Every pattern list the reader needs for one language (regex strings, normalised text)."""

    apology: tuple[str, ...]  # sincere apology or regret
    generic_apology: tuple[str, ...]  # "sorry for any inconvenience": apologises for nothing
    non_apology: tuple[str, ...]  # "sorry you feel that way"
    acknowledgement: tuple[str, ...]  # names how this lands for the customer, in any words
    holding: tuple[str, ...]  # "we're looking into it": something happens, nobody says what
    # Clauses where the rep (personal) or the team acts; group 1 is the verb, group 2 the rest.
    personal_action: tuple[str, ...]
    team_action: tuple[str, ...]
    not_action_verbs: frozenset[str]  # verbs after "I will…" that do nothing for the customer
    outcome: tuple[str, ...]  # "it goes out tomorrow", "you'll get a text": the result arrives
    instruction: tuple[str, ...]  # the customer is told what to do next
    question: tuple[str, ...]  # a question asking for information
    timeframe: tuple[str, ...]
    handover: tuple[str, ...]  # a verb of passing it on…
    specialist: tuple[str, ...]  # …to someone named
    safety_instruction: tuple[str, ...]
    dm: tuple[str, ...]
    compensation: tuple[str, ...]
    blame: tuple[str, ...]
    deflection: tuple[str, ...]
    insult: tuple[str, ...]
    profanity: tuple[str, ...]
    sarcasm: tuple[str, ...]
    guarantee: tuple[str, ...]
    liability: tuple[str, ...]
    damages: tuple[str, ...]  # compensation for harm: promising it in public is a legal matter
    scripted: tuple[str, ...]
    sensitive: Mapping[str, str]  # pattern → label: never ask for these in public
    personal: tuple[str, ...]  # order/booking references: fine in DM, wrong in public
    request: tuple[str, ...]
    negation: tuple[str, ...]
    public_cue: tuple[str, ...]
    promotion: tuple[str, ...] = ()  # selling instead of helping
    unsafe: tuple[str, ...] = ()  # reassurance on a safety report that nobody checked


# Verbs of corrective action in English; used after "and"/"then" where no subject repeats.
EN_ACTION_VERBS = (
    "check|look|fix|send|refund|replace|chase|call|ring|phone|email|dm|message|text|update|"
    "investigate|arrange|sort|escalate|pass|credit|reset|review|book|rebook|process|resolve|"
    "contact|get|make|follow|reach|keep|share|confirm|issue|reimburse|waive|cancel|correct|"
    "restore|take|track|trace|find|raise|unlock|ship|dispatch|collect|repair|talk|speak|"
    "organi[sz]e|add|apply|reverse|remove|void|push|put|courier|post|deliver|swap|exchange|"
    "offer|open|log|flag|bring|move|transfer|schedule|reschedule|confirm|switch|reconnect|"
    "re-?send|re-?issue|re-?deliver|pay|return|hold|release|test|visit|install|replace|upgrade"
)
EN = LanguagePhrases(
    apology=(
        r"sorry", r"apologi[sz]e[sd]?", r"apologi[sz]ing", r"apolog(?:y|ies)",
        r"(?:i|we) (?:sincerely |deeply |really )?regret", r"forgive (?:us|me)", r"my bad",
        r"pardon (?:us|me)", r"(?:that|this|it) is on (?:us|me)", r"our (?:mistake|fault|error)",
        r"my (?:mistake|fault|error)", r"we (?:got|have got) (?:this|it|that) wrong",
        r"we (?:messed|screwed) up", r"we dropped the ball", r"we let you down",
    ),
    generic_apology=(
        r"(?:sorry|apologi[sz]e|apologies) for any (?:inconvenience|trouble|confusion|issues?|"
        r"frustration|disappointment)(?: (?:this|that|it) (?:may|might|has|may have|might have) "
        r"(?:caused|cause))?(?: (?:you|to you))?",
        r"(?:sorry|apologi[sz]e|apologies) for the inconvenience(?: caused)?",
        r"apologies for any inconvenience caused",
        r"(?:we are |i am )?sorry for (?:any|the) (?:trouble|issues?)",
    ),
    non_apology=(
        r"sorry (?:that )?you (?:feel|felt|think|thought|believe|see it)",
        r"sorry if you (?:feel|felt|think|thought|were|are|have been|found)",
        r"apologi[sz]e if you (?:feel|felt|think|thought|were|are|have been|found)",
        r"sorry (?:that )?you (?:are|were) (?:upset|unhappy|disappointed|offended)",
        r"sorry for your (?:feelings|perception)",
        r"sorry (?:that )?you (?:had|have) (?:a )?(?:bad|negative|poor) (?:time|experience)",
    ),
    acknowledgement=(
        r"i (?:completely |totally |fully |really |can |do )?(?:understand|get it|get that|"
        r"hear you|get why)",
        r"understandably", r"i can (?:only )?imagine", r"i can see (?:why|how|that)",
        r"(?:that|this|it) (?:is|must be|must have been|sounds|was|has been|would be) "
        r"(?:so |really |very |incredibly |hugely |deeply |truly |beyond |a |an |pretty |"
        r"genuinely |properly |such a |not )?(?:frustrating|annoying|stressful|upsetting|"
        r"disappointing|awful|terrible|worrying|unacceptable|maddening|exhausting|rotten|"
        r"miserable|horrible|scary|frightening|alarming|infuriating|unsettling|distressing|"
        r"nightmare|hassle|pain|mess|shambles|rubbish|poor|bad|grim|unfair|wrong|worry|"
        r"good enough|ok|okay|acceptable|right|fair|what you|how it|the service|on)",
        r"frustrating", r"frustration", r"not good enough", r"not the experience",
        r"(?:we|i) know how much", r"how much (?:that|this|it) matters",
        r"(?:so |really )?(?:glad|relieved) (?:your|you|that)", r"would (?:shake|upset|worry|"
        r"frighten|scare|annoy|frustrate|rattle) anyone", r"anyone would",
        r"should (?:not|never) have (?:happened|had to|been)", r"you should not have to",
        r"i know how", r"what a (?:pain|hassle|nightmare|mess|worry|shame)",
        r"thank(?:s| you)(?: so much)? for (?:letting us know|flagging|telling us|raising|"
        r"bearing with us|your patience|reporting|being patient|the heads up|sticking with us|"
        r"the photos?|sending|taking the time|your understanding)",
        r"(?:upsetting|worrying|stressful|frightening|scary|awful|rotten) (?:for you|timing|"
        r"news|start|thing|experience|situation|moment)",
        r"(?:you are|you were) (?:right|absolutely right|quite right)", r"rightly",
        r"fair (?:point|enough|question)", r"(?:the )?last thing you (?:need|needed|want)",
        r"no wonder", r"makes sense (?:that|you)", r"(?:not|no) fun",
        r"sorry to hear", r"(?:glad|relieved) (?:you|everyone|nobody|no one)",
        r"(?:is|are) (?:safe|ok|okay|alright) (?:first|above all)",
        r"you deserve(?:d)?", r"(?:worried|upset|frustrated|annoyed|angry|cross) (?:you|about)",
        r"top of my list", r"if (?:she|he|they|you|anyone) (?:seems?|feels?|is|are) (?:at all )?"
        r"(?:unwell|poorly|ill)", r"(?:is|are) (?:all right|alright|ok|okay|safe)",
        r"(?:completely|totally|entirely) (?:fair|understandable|reasonable)",
        r"(?:i|we) (?:really )?appreciate (?:you|how|that|your)",
        r"(?:on|for) (?:a |your )?(?:birthday|wedding|holiday|anniversary|honeymoon)",
        r"shaken", r"the worry", r"that worry", r"hard (?:day|week|time)",
        r"(?:what|such) a (?:\w+ )?(?:start|way to|let-?down|disappointment|nuisance|headache)",
        r"(?:no-?one|nobody) wants", r"must have (?:been|felt)", r"(?:i|we) would be (?:furious|"
        r"fuming|upset|annoyed|livid|angry|worried|gutted|frustrated|cross)",
        r"(?:not|hardly) (?:the|a) (?:welcome|start|evening|weekend|experience|birthday|"
        r"holiday)", r"fair to be (?:angry|upset|annoyed|frustrated|cross)",
        r"(?:a|that is a|that's a) lot", r"(?:deeply|genuinely|truly) (?:sorry|regret)",
        r"(?:on|before|the night before|the day of) (?:a|your|the|her|his|their) (?:wedding|"
        r"birthday|funeral|interview|exam|flight|holiday|party|big day)",
        r"stressful", r"humiliating", r"worrying", r"upsetting", r"frightening", r"scary",
        r"maddening", r"infuriating", r"exhausting", r"embarrassing", r"disappointing",
        r"gutting", r"heartbreaking", r"nerve-?wracking", r"distressing", r"alarming",
        r"(?:spoiled|spoilt|ruined|wrecked) (?:the|your|a)", r"not on", r"rotten",
        r"miserable", r"a (?:real )?(?:blow|worry|shock|pain)",
    ),
    holding=(
        r"(?:are |am |is )?looking into (?:it|this|that|the matter|your (?:case|issue|query)|what|"
        r"why|how|where)",
        r"(?:will |shall )?look into (?:it|this|that|the matter)(?! (?:now|today|right))",
        r"(?:we are|i am) (?:aware|working on it|on it|investigating)(?! (?:why|what|how|where))",
        r"(?:someone|a member of (?:our|the) team|the team|we|they) will be in touch"
        r"(?: shortly| soon)?",
        r"(?:will |shall )?get back to you(?: shortly| soon| asap| as soon as possible)?",
        r"(?:we|i) have (?:duly )?(?:taken (?:note|notice)(?: of)?|noted)",
        r"(?:have |has )?passed (?:it|this|that|your (?:feedback|comments?)) on",
        r"(?:have |has )?(?:noted|logged) (?:it|this|your (?:feedback|comments?))",
        r"please (?:see|check|visit|read|refer to) our (?:faqs?|website|help (?:centre|center|"
        r"pages?)|terms(?: and conditions)?|policy)",
        r"(?:we are|i am) (?:doing|trying) (?:our|my) best",
        r"(?:are|is) working (?:hard|on it|round the clock|around the clock|to (?:fix|resolve|"
        r"restore|sort))", r"as (?:quickly|soon) as (?:possible|we can)", r"asap",
        r"keep an eye on our (?:website|app|page|social)", r"try (?:again|calling back) later",
        r"(?:have |has )?(?:been )?(?:forwarded|passed) (?:on )?to the relevant",
        r"will (?:share|pass) (?:your|this|the) feedback", r"(?:we are|i am) aware of",
        r"doing (?:everything|all) (?:we|they|i) can", r"(?:visit|see|check) (?:our|the) help "
        r"(?:centre|center|pages?)", r"(?:logged|raised|opened) (?:your|a) (?:query|ticket|case|"
        r"request)", r"one of (?:the|our) team will", r"make sure (?:that )?(?:it|this|that|the "
        r"\w+|your \w+) (?:is|gets|are|get) (?:sorted|fixed|resolved|dealt with|looked at|taken "
        r"care of)", r"keep you posted", r"here to help",
    ),
    personal_action=(
        r"(?:i|i myself) (?:will|shall|am going to|would like to|can|could|want to|am about to"
        r"|have|had|am|just|already|also|now|personally)(?: (?:just|already|now|personally|also"
        r"|gone ahead and|go ahead and|then|right now|immediately|straight away|be))*"
        r" (\w+(?:-\w+)?)((?: [^,;:]*)?)",
        r"let me (\w+)((?: [^,;:]*)?)", r"leave it with me()()",
        r"^(?:(?:so|ok|okay|right|good news|update)\W+)?(?:just |already |have )?"
        r"((?:re)?(?:booked|checked|rang|phoned|called|spoke|emailed|sent|refunded|credited|"
        r"cancelled|reversed|raised|logged|flagged|chased|arranged|moved|upgraded|reset|"
        r"unlocked|fixed|added|applied|issued|put|found|traced|tracked|escalated|passed|"
        r"switched|released|ordered|requested|confirmed|looked))((?: [^,;:]*)?)",
        r"i (\w+ed|sent|rang|spoke|put|got|made|took|gave|found|set)((?: [^,;:]*)?)",
    ),
    team_action=(
        r"(?:we|our (?:team|engineers?|technicians?|specialists?|courier|driver|crew|staff)"
        r"|the (?:team|engineers?|technicians?|specialists?|courier|driver))"
        r" (?:will|shall|are going to|can|could|have|had|are|just|already|now|also|would like to)"
        r"(?: (?:just|already|now|also|gone ahead and|go ahead and|then|right now|be))*"
        r" (\w+(?:-\w+)?)((?: [^,;:]*)?)",
        r"let us (\w+)((?: [^,;:]*)?)",
    ),
    not_action_verbs=frozenset(
        ["be", "been", "being", "am", "is", "are", "was", "were", "sorry", "so", "really", "very", "truly", "afraid", "aware", "not", "understand", "understood", "know", "knew", "hope", "hoped", "feel", "felt", "think", "thought", "believe", "believed", "appreciate", "appreciated", "apologise", "apologize", "apologised", "apologized", "regret", "regretted", "hear", "heard", "see", "saw", "seen", "love", "like", "want", "wanted", "wish", "wished", "need", "needed", "try", "tried", "do", "did", "done", "have", "had", "has", "got", "going", "gone", "here", "there", "happy", "glad", "pleased", "sad", "always", "never", "just", "still", "also", "definitely", "certainly", "totally", "completely", "fully", "only", "ever", "dealing", "afraid", "concerned", "unable", "able", "sure", "worried", "working", "trying", "doing", "experiencing", "aware", "no", "nothing", "none", "nobody"]
    ),
    outcome=(
        r"you (?:will|should|are going to|can) (?:also )?(?:receive|get|see|hear|have|find|"
        r"notice|be (?:able|contacted|called|refunded|credited|reconnected|back))",
        r"(?:expect|look out for|keep an eye out for) (?:a|an|the|your|it)",
        r"here is (?:a|the|your)", r"(?:new )?tracking (?:number|link) is",
        r"(?:it|this|your \w+(?: \w+)?|the \w+(?: \w+)?|a \w+|an \w+|[£$€]\d+(?:\.\d\d)?)"
        r" (?:(?:will|should|is going to|is set to|is booked to|is due to) (?:go|arrive|reach|"
        r"leave|ship|land|come|be back|go back|be (?:with you|there|refunded|credited|replaced|"
        r"delivered|fixed|restored|ready|collected|sent|back|reconnected|reversed|cancelled|"
        r"waived))|(?:goes|arrives|reaches you|leaves|ships|lands|comes back|goes back|is on its "
        r"way|is back|is out for delivery)|is (?:being|now|already) (?:booked|scheduled|arranged|"
        r"refunded|credited|fixed|restored|reversed|cancelled|waived|sent|delivered|repaired))",
        r"(?:your|the|a) (?:refund|replacement|credit|engineer|technician|callback|voucher|"
        r"fix|update|parcel|order|courier|driver|package|money) (?:is|has been|will be|will|"
        r"is being|was) (?:\w+ )?(?:on its way|sent|issued|processed|arranged|booked|"
        r"dispatched|restored|applied|added|arrive|reach|call|coming|out|back|scheduled)",
        r"(?:is|are|has been|have been) (?:now )?(?:back|restored|fixed|refunded|credited|"
        r"reversed|cancelled|unlocked|reconnected|resolved|reinstated|removed|waived)",
        r"(?:he|she|they|it|the \w+|a \w+|our \w+) (?:will|is going to|should|can) (?:be with "
        r"you|be there|arrive|call you|ring you|come|reach you|visit|collect|deliver|fix)",
        r"(?:is|are) (?:leaving|on (?:the|its|their) way|heading (?:to|over|out)|out for delivery|"
        r"being (?:sent|delivered|repaired|replaced|refunded|fixed|rebuilt|collected))",
        r"(?:replacement|refund|return label|label|engineer|courier|credit|parcel|voucher|"
        r"technician|redelivery|delivery|collection|appointment|slot|visit|repair|exchange|"
        r"callback|new \w+) (?:has been |is |was )?(?:ordered|booked|sent|issued|emailed|"
        r"arranged|dispatched|credited|processed|approved|on its way|released)",
        r"\w+'s (?:booked|been \w+|on (?:its|the) way|sorted|done|gone through|coming|arranged|"
        r"back|fixed|cancelled|reversed|refunded|credited)",
        r"(?:booked|moved|put|rebooked|switched|upgraded|added|refunded|credited|signed|"
        r"registered|transferred) you(?:r \w+)? (?:on|onto|to|into|for|back|a|an|the)",
        r"(?:^|\n|\. )(?:done|sorted|all (?:sorted|done|set))\b", r"(?:has|have) gone through",
        r"(?:you are|you have been|they are|she is|he is|it is|we have you) (?:now |all )?(?:booked|"
        r"rebooked|scheduled|registered|confirmed|set up|added|moved|seated)",
        r"(?:is|are) (?:meeting|waiting for|collecting|calling) you", r"will meet you",
        r"(?:ships|arrives|goes out|leaves|lands|reaches you) (?:on |by |this |next |tomorrow|"
        r"today|\w+day)", r"(?:have|has) (?:the same \w+ |one |a \w+ )?(?:ready|on hold|set aside)",
    ),
    instruction=(
        r"please (?:\w+ ){0,2}?(?:dm|direct message|message|send|follow|check|try|reset|click|"
        r"visit|call|ring|reply|contact|update|restart|reinstall|use|go to|head to|tap|email|"
        r"fill|complete|confirm|keep|bring|return|pop|share|provide|stop|unplug|switch|turn|"
        r"look|open|hold on|bin|discard|store|leave|take)",
        r"(?:^|, |\. |so |just |first,? )(?:stop|unplug|switch off|turn off|keep|check|try|"
        r"tap|click|open|reply|send|pop|bring|return|restart|reinstall|go to|head to|look|"
        r"hold on|put|leave|take|use|pick|choose|select|drop|update|reset|follow|call|ring)"
        r" (?:\w+ ){0,3}?(?:it|the|your|this|that|a|an|them|back|off|us|me|out|away|on)",
        r"(?:all )?you (?:need to|have to|will need to|can|could) (?:do is |just )?(?:\w+)"
        r" (?:the|your|a|an|it|this|that|on|in|to|back|us|me)",
        r"(?:the|a|an) (?:link|code|form|steps?|guide|option|button) (?:is|are|will|below|in)",
    ),
    question=(
        r"(?:could|can|would|will) you (?:please |kindly )?(?:\w+ ){0,3}?(?:tell|let|send|"
        r"share|confirm|check|give|pop|drop|dm|message|describe|say|clarify|provide|include)",
        r"(?:what|which|when|where|how|who|is it|is that|are you|do you|did you|have you|"
        r"was it|were you)\b[^?]{2,120}\?",
    ),
    timeframe=(
        r"(?:within|in|in the next|over the next|inside|under|for the next) (?:the |an? |\d+ |"
        r"one |two |three |four |five |six |ten |twelve |24 |48 |72 |a few |few |next |half an? "
        r")?(?:\w+ )?(?:minutes?|mins?|hours?|hrs?|days?|working days?|business days?|weeks?)",
        r"by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|"
        r"sunday|end of (?:the )?day|eod|noon|midday|lunch(?:time)?|close of business|the end"
        r" of (?:the )?(?:day|week)|\d{1,2}(?::\d{2})? ?(?:am|pm)?|the \d{1,2}(?:st|nd|rd|th)?)",
        r"today", r"tonight", r"tomorrow(?:'s)?", r"this (?:morning|afternoon|evening|week)",
        r"(?:on |this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        r"(?:'s)?",
        r"\d{1,2}(?:[:.]\d{2})? ?(?:am|pm)", r"\d{1,2}[:.]\d{2}", r"right away",
        r"straight away", r"immediately", r"right now", r"first thing",
        r"before (?:we finish|the end of|you (?:hang up|leave|go)|\d|noon|midday|lunch|"
        r"tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
        r"between \d{1,2}(?:[:.]\d{2})?(?: ?(?:am|pm))? and \d{1,2}",
        r"next (?:week|day|van|delivery|slot|run|working day|business day)",
        r"(?:first|next|same)[- ]day", r"(?:the )?same day", r"overnight",
        r"\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
        r"\w*", r"(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\w* \d{1,2}(?:st|nd|rd|th)?",
        r"while (?:we are|you are|we) (?:on|still)", r"as we speak", r"now",
        r"every (?:\d+ )?(?:hour|hours|minutes|half hour)",
    ),
    handover=(
        r"pass(?:ed|ing)?", r"hand(?:ed|ing)? (?:it |this )?(?:over|on)", r"escalat(?:e|ed|ing)",
        r"refer(?:red|ring)?", r"transfer(?:red|ring)?", r"forward(?:ed|ing)?",
        r"raised? (?:it|this)", r"brought in", r"loop(?:ed|ing)? in", r"put you through",
        r"(?:will|is going to|are going to) (?:call|ring|contact|email|visit) you",
    ),
    specialist=(
        r"specialists?", r"team", r"colleagues?", r"supervisor", r"managers?", r"experts?",
        r"engineers?", r"department", r"tier 2", r"tier two", r"second line", r"technicians?",
        r"senior", r"lead", r"investigators?", r"safety", r"claims", r"desk",
    ),
    safety_instruction=(
        r"(?:please |do )?(?:stop|avoid) (?:using|charging|eating|wearing|giving|feeding|"
        r"plugging|driving|taking|drinking)",
        r"(?:please )?(?:do not|never) (?:use|charge|eat|plug|give|wear|switch|turn|drink|"
        r"touch|open|try)",
        r"unplug", r"switch (?:it )?off", r"turn (?:it )?off", r"keep (?:it |them )?away",
        r"out of reach", r"put (?:it|them) (?:somewhere|away|aside|outside)",
        r"(?:seek|get) (?:medical|urgent) (?:help|advice|attention)", r"call (?:999|911|112)",
        r"(?:a )?(?:doctor|gp|pharmacist|a&e|nhs 111|111)", r"not (?:to )?use it",
        r"safe place", r"dispose of", r"quarantine",
        r"get (?:everyone|everybody|yourselves|yourself|the (?:kids|children|family)) out",
        r"leave the (?:house|home|flat|building|villa|property|room)(?: now| straight away)?",
        r"(?:do not|never) (?:flip|use|touch) (?:any )?(?:switches|lights|flames|anything)",
        r"open (?:the )?(?:windows|doors)", r"(?:ring|call) (?:999|911|112|the (?:gas )?emergency)",
    ),
    dm=(
        r"dms?", r"dm'?e?d", r"message (?:our|the) team on", r"on (?:instagram|facebook|twitter)", r"direct messages?", r"private messages?", r"privately",
        r"in private", r"pm (?:us|me)", r"(?:check|see) (?:your )?inbox", r"secure (?:form|link|"
        r"chat|message|page)", r"off (?:the )?(?:timeline|thread)", r"(?:email|e-mail) (?:us|me)",
        r"give (?:us|me) a (?:call|ring)", r"messaged you", r"message you", r"messaging you",
        r"message us", r"send (?:us|me) a (?:message|note)", r"drop (?:us|me) a (?:message|line|"
        r"note)", r"inbox (?:us|me)",
    ),
    compensation=(
        r"vouchers?", r"(?:a|an|account|goodwill) credit", r"credited", r"compensat(?:e|ion|ed)",
        r"goodwill", r"gesture", r"free of charge", r"on the house", r"on us", r"complimentary",
        r"(?:waive|waived) (?:the )?(?:fee|charge)", r"discount", r"gift card", r"upgrade",
        r"\d+ ?(?:points|miles)", r"as an apology", r"to say sorry",
    ),
    blame=(
        r"you should have (?:read|checked|followed|known|called|ordered|chosen|kept|used|noticed|"
        r"paid|cancelled|updated|looked|asked|contacted|waited|plugged|charged)",
        r"you should not have (?:used|put|opened|tried|ignored|plugged|charged|washed)", r"you (?:need(?:ed)?|have|had) to (?:read"
        r"|follow|check|update|make sure|pay attention)", r"you did not (?:read|follow|check|"
        r"update|see|pay|enter|provide|notice|bother|listen)", r"you (?:failed|neglected|forgot) "
        r"to", r"(?:it is |that is |this is )?(?:all |entirely |completely )?your (?:own )?fault",
        r"you must have", r"user error", r"as (?:clearly )?(?:stated|explained|mentioned|"
        r"indicated|written|shown)", r"(?:read|check|see) the (?:instructions|manual|terms|small"
        r" print|fine print)", r"(?<!what )(?<!than )(?<!as )you were (?:told|informed|warned|advised)(?! (?:by us )?(?:that )?(?:it|we|the refund|your refund) would)",
        r"you (?:agreed|accepted) to (?:our|the) terms", r"if you had (?:read|followed|checked|"
        r"paid|bothered|listened)", r"you (?:clearly )?(?:misunderstood|misread)",
        r"it is (?:clearly )?(?:stated|explained)", r"next time,? (?:please )?(?:read|check|"
        r"follow|make sure|try)", r"on your end", r"your mistake", r"your error",
        r"not (?:on )?us,? (?:it is|it was|that is) you", r"(?:that|it|this) is on you",
        r"you could (?:have|easily have|just have) (?:used|bought|checked|read|called|booked|"
        r"downloaded|asked|looked)", r"that is what (?:it|the \w+) is there for",
        r"you (?:dropped|broke|damaged|lost|forgot|ignored|missed) (?:it|the|your)\b[^.]{0,40}\b(?:so|that is|which)",
        r"if you (?:had|would|would have) (?:used|read|checked|called|rung|rang|followed|looked)",
        r"you would not have had to", r"everyone knows",
        r"(?:our )?records (?:do not|does not|did not) show (?:any|a|that you|you)",
        r"(?:are|is|was|were) (?:sent|dispatched|delivered|paid|posted) to the (?:address|account"
        r"|account details|details|email|number) (?:provided|entered|given|supplied|you (?:gave|"
        r"entered|provided|supplied))", r"are you sure (?:it was|you)",
        r"(?:just )?to clarify (?:once more|once again|again)", r"as i am sure you (?:will )?"
        r"(?:appreciate|understand|know)", r"hopefully (?:that|this) is (?:now )?clearer",
        r"as (?:i|we) (?:have )?(?:already )?(?:explained|said|mentioned) (?:twice|before|several"
        r" times|more than once|in my (?:previous|last) (?:email|message))",
        r"(?:there is|we have|i have|we can find|i can find) no (?:record|trace) of (?:any|you|your"
        r" call|your email|a call)",
        r"as (?:clearly )?(?:outlined|set out|specified|detailed|noted) in",
        r"(?:customers|passengers|guests|users|members|you) are (?:solely |fully |entirely )?"
        r"responsible for", r"(?:it is|it's) (?:always )?(?:important|essential|vital|wise|best) "
        r"to (?:double-?check|check|read|make sure)", r"(?:incorrectly|wrongly|by mistake)"
        r"[^.]{0,40}\bwhen you", r"(?:manual|instructions|terms|label)"
        r" (?:clearly|plainly) (?:says?|states?|shows?)", r"falls under misuse", r"misuse",
    ),
    deflection=(
        r"not (?:our|my) (?:fault|problem|responsibility|issue|department)",
        r"nothing (?:we|i) can do", r"out of our hands", r"beyond our control",
        r"(?:that is|it is|this is) (?:just |simply )?(?:our|company) policy",
        r"(?:the|our) (?:courier|supplier|partner|manufacturer|bank|system|airport)(?:'s)? "
        r"(?:fault|problem|responsibility|issue)",
        r"(?:you will have to|you need to|please|you should) contact (?:the|your) (?:courier|"
        r"bank|manufacturer|supplier|airport|card issuer)",
        r"(?:we are|i am) unable to help", r"cannot help (?:you )?with (?:that|this)",
        r"(?:take it up|speak) with (?:the|your) (?:courier|bank|manufacturer)",
        r"trained to the highest", r"(?:highest|strictest) (?:standards|quality)",
        r"(?<!i will )(?<!we will )(?<!i can )(?<!we can )(?<!let me )(?<!i am going to )"
        r"(?:ring|call|contact|phone|email|speak to) them", r"contact \w+ directly",
        r"not something (?:i|we) can (?:do anything about|help with|change)",
        r"in (?:accordance|line) with (?:our|the) (?:\w+ ){0,3}polic(?:y|ies)",
        r"(?:as per|per) (?:our|the) (?:\w+ ){0,2}policy",
        r"(?:courier|bank|supplier|manufacturer|airport|carrier)'?s? (?:issue|problem|"
        r"responsibility)",
    ),
    insult=(
        r"idiots?", r"idiotic", r"stupid(?:ity)?", r"morons?", r"moronic", r"dumb(?:ass)?",
        r"clueless", r"imbeciles?", r"fools?", r"foolish", r"losers?", r"pathetic",
        r"ignorant", r"(?:can ?not|cannot|can't|unable to) read", r"learn (?:how )?to read",
        r"get a life", r"grow up", r"shut up", r"calm down", r"chill out", r"whin(?:y|ing|e)",
        r"(?:stop|quit) (?:moaning|complaining|whining|crying)", r"snowflake", r"(?:so|very|bit|really|rather) entitled", r"common sense", r"not rocket science", r"use your (?:eyes|brain|head)",
        r"do you even", r"for the (?:last|hundredth) time", r"(?:so|very|really) needy",
        r"simple enough for a (?:child|toddler|kid)", r"never (?:hurt|killed) anyone", r"ask someone (?:more )?(?:tech-?savvy|"
        r"younger|who (?:knows|understands))", r"even a (?:child|kid|toddler) (?:can|could)",
        r"(?:most|other|all) (?:of )?(?:our )?(?:customers|people|shoppers|users|guests) "
        r"(?:manage|seem|are able|have no trouble|have no problem) to",
        r"drama queen", r"attention seeker", r"hysterical", r"ridiculous (?:customer|person|"
        r"request|complaint)", r"you people", r"are you (?:blind|stupid|serious)",
        r"even a (?:child|kid)", r"grown (?:adult|man|woman)", r"deserves? a lecture",
        r"you (?:clearly |obviously |simply )?(?:can ?not|could not|did not|do not|never) "
        r"(?:read|understand|follow|listen|pay attention)", r"as (?:i am|we are) sure you"
        r"(?: are)? (?:aware|know)", r"let me explain (?:this |it )?(?:slowly|again|simply|one "
        r"more time)", r"(?:like|as) (?:i|we) (?:said|explained|told you|already (?:said|"
        r"explained))", r"(?:it is |it's )?not (?:that |exactly )?(?:hard|difficult|complicated|"
        r"rocket science)", r"pay (?:more )?attention", r"no offen[cs]e", r"ok,? karen",
        r"ok,? boomer", r"smh", r"(?:some|most|other) (?:people|customers) (?:manage|seem to "
        r"manage|can|cope)", r"take this the wrong way", r"read (?:it|the \w+) (?:again|"
        r"properly|carefully)", r"read the (?:email|message|letter|instructions|label) (?:again|"
        r"properly)", r"(?:big|simple) (?:blue|red|green) button", r"try (?:using|reading) "
        r"your", r"in future,? (?:try|maybe|please read)", r"user error",
        r"anyone who can (?:read|count|use|follow|see|spell)", r"explain (?:it |this |that )?"
        r"slowly", r"hope (?:that|this) clears (?:it|that|things) up", r"if it (?:has not|did "
        r"not|is not) \w+,? it (?:has not|did not|is not)", r"(?:read|reading) past the first",
        r"as (?:we|i) (?:have )?already (?:said|explained|told you|posted)",
        r"already (?:said|explained|posted) (?:this )?(?:\w+ )?(?:times|twice)",
        r"once you (?:have|had) (?:had a look|read|checked)",
    ),
    profanity=(
        r"f+u+c+k\w*", r"f\*+k\w*", r"sh[i1]t\w*", r"crap(?:py)?", r"damn(?:it|ed)?",
        r"bloody", r"bollocks", r"arse\w*", r"ass(?:hole)?s?", r"bastards?", r"bitch\w*",
        r"piss(?:ed)?(?: off)?", r"wtf", r"ffs", r"stfu", r"omfg", r"bs", r"bullshit",
        r"hell", r"screw (?:you|this|that)", r"sod off", r"jesus christ", r"goddamn\w*",
        r"twat\w*", r"wank\w*", r"prick",
    ),
    sarcasm=(
        r"oh (?:great|wonderful|brilliant|well|joy|boy|sure)", "\U0001f643",
        r"never (?:had|heard|seen) (?:a|that|this) complaint (?:about|before)",
        r"(?:guess|i suppose|presumably) (?:the|our) \w+ (?:was|were) going for",
        r"however (?:will|did|do) you "
        r"(?:cope|manage|survive)", r"(?:three|two|four|five) whole (?:days|hours|minutes)",
        r"(?:wow|gosh),? (?:thanks|just wow|really)", r"congrat(?:ulation)?s,? (?:you|on (?:finding|figuring|reading|managing|working))",
        r"nice try", r"good luck with that", r"sure,? because", r"believe it or not",
        r"shocking,? i know", r"who knew", r"what a surprise", r"as if",
        r"thanks for nothing", r"news ?flash", r"spoiler(?: alert)?", r"bless your heart",
        r"must be nice", r"maybe if you", r"with (?:all due )?respect",
        r"if you can ?not tell", r"revolutionary", r"everyone knows", r"what is it you want",
        r"(?:well|right),? (?:madam|sir|mate)", r"😏", r"🤡", r"💅",
        r"🥱", r"😴", r"surprise,? surprise", r"hate to say", r"seriously\?", r"really\?",
        r"some of us", r"poor (?:you|thing)", r"bless", r"(?:deep|calm) breaths?", r"maybe (?:try )?(?:reading|checking|looking at)", r"maybe check your",
        r"(?:a )?new record", r"shocking that", r"🙄", r"😂", r"🤣", r"try calling at",
        r"congrat(?:ulation)?s(?!,? on (?:your |the |her |his |their )?(?:\w+ )?(?:new|wedding|"
        r"baby|engagement|graduation|birthday|anniversary|retirement|arrival|promotion|news))", r"if you could (?:tell|read|follow|use|spell)",
        r"lol", r"lmao", r"rofl", r"haha+", r"\*?eye ?roll\*?", r"yawn",
        r"boo hoo", r"cry me a river", r"whatever\.?$", r"hate to break it to you",
        r"sweetie", r"sweetheart", r"duh", r"if you (?:had )?(?:bothered|cared) to",
        r"try (?:reading|looking|checking) (?:it|the|next)", r"maybe (?:try|next time)",
        r"amazing how", r"funny how", r"(?:some|most) people manage", r"obviously you",
        r"clearly you", r"apparently you", r"you do realise", r"in case you missed it",
        r"(?<=, )(?:genius|einstein|sherlock|champ|smarty(?:[- ]pants)?)(?=\W*$)",
    ),
    guarantee=(
        r"(?:i|we) (?:can |personally |absolutely )?guarantee", r"guaranteed? (?:to|that|it|"
        r"this|you|delivery|by|within|tomorrow|today)", r"100 ?% (?:guaranteed|sure|certain|"
        r"promise)", r"(?:will|would) never (?:ever )?happen again", r"(?:this|it) will never (?:ever )?happens?"
        r" again", r"(?:this|it) will never", r"(?:i|we) promise (?:you )?(?:that )?(?:this|it)"
        r" (?:will not|will never|never)", r"(?:i|we) promise (?:you )?(?:it will|this will) "
        r"(?:be|arrive|work)", r"you have my word (?:that )?(?:this|it) will",
        r"(?:absolutely|totally|completely) (?:certain|sure) (?:it|this|that) will",
        r"no (?:chance|way) (?:this|it) (?:will|could) happen again",
        r"make sure (?:that )?(?:nothing like this|this never|it never|this does not|it does "
        r"not|this will not|it will not) (?:ever )?happens?(?: again)?",
        r"(?:nothing like this|this|it) (?:will )?never (?:ever )?happens? again",
        r"you will definitely (?:have|get|receive|be)", r"(?:definitely|certainly) (?:be|arrive) "
        r"(?:there |with you )?(?:by|tomorrow|today)",
        r"(?:i|we) (?:can )?promise (?:you )?(?:100 ?% )?(?:that )?(?:there will be no|it will "
        r"never|this will never|you will never|no more|nothing like this)",
    ),
    liability=(
        r"(?:accept|admit|take)s? (?:full |all |complete |total )?(?:legal )?(?:responsibility|"
        r"liability|fault)", r"(?:we are|we're|we were|is) (?:fully |entirely )?(?:liable|"
        r"legally responsible|to blame) for", r"(?:we are|we were) (?:fully |entirely )?liable\b",
        r"our insurance (?:will|would|is going to) (?:pay|cover)", r"(?:our|the) (?:\w+ )?(?:was|is) (?:defective|"
        r"faulty|dangerous|unsafe) and (?:caused|started|burned|burnt|injured|hurt)",
        r"(?:caused|started) (?:the |your |this )?(?:fire|burns?|injur(?:y|ies)|reaction)",
        r"our (?:product|\w+) (?:caused|injured|burned|hurt)", r"negligen(?:t|ce)",
        r"on us legally", r"legally (?:responsible|liable|on us)", r"cover whatever",
        r"(?:totally|entirely|completely|fully|all|100 ?%) on us", r"(?:pay|cover) (?:for )?"
        r"whatever",
        r"(?:the |your |our )?\w+(?: is|'s| was) (?:faulty|defective)",
    ),
    damages=(
        r"damages", r"compensat(?:e|ion) (?:you )?for (?:your |the )?(?:injur|burn|pain|"
        r"distress|suffering|trauma|damage)", r"pain and suffering", r"medical (?:bills|costs)",
        r"(?:pay|cover) (?:for )?(?:all |any )?(?:the )?(?:damage|damages|medical)",
        r"new (?:\w+ )?(?:and|plus|as well as) (?:a )?(?:full )?refund",
        r"refund (?:and|plus|as well as) (?:a )?(?:brand )?new",
        r"send (?:us|me) (?:the|your|any) (?:medical |hospital )?(?:bills|receipts|invoices)",
    ),
    scripted=(
        r"(?:we )?apologi[sz]e for any inconvenience(?: caused)?",
        r"sorry for any inconvenience(?: caused)?",
        r"inconvenience (?:this )?(?:may have |has )?caused",
        r"your (?:call|business|custom|feedback|satisfaction|query) is (?:very )?important to us",
        r"we (?:truly |really |greatly |do )?value your (?:feedback|business|custom)",
        r"please be advised", r"(?:customers|you) are at the heart of (?:everything|all) we do",
        r"committed to (?:delivering|providing) (?:an? )?(?:exceptional|excellent|outstanding)",
        r"look forward to welcoming you back",
        r"thank you for contacting", r"thank(?:s| you) for reaching out",
        r"we appreciate your (?:patience|understanding)", r"kindly", r"dear (?:valued )?customer",
        r"valued customer", r"rest assured", r"please do not hesitate",
        r"for (?:further|more) information", r"the relevant (?:team|department)",
        r"we strive to", r"at this (?:point in )?time", r"as per our",
        r"always working hard", r"best possible (?:service|experience)", r"here to help",
        r"thank(?:s| you) for getting in touch", r"rest assured", r"have a (?:great|"
        r"nice|lovely|wonderful) day", r"(?:we|i) hope this helps", r"sorry to hear about your"
        r" experience", r"take all (?:feedback|complaints|concerns) seriously",
    ),
    sensitive=MappingProxyType(
        {
            r"account (?:number|no|#|details|login|credentials)": "account number",
            r"passwords?|passcodes?|pass word": "password",
            r"pins?(?: (?:number|code))?": "PIN",
            r"security (?:codes?|questions?|answers?)": "security code",
            r"(?:(?:credit|debit|bank|payment) )?card (?:numbers?|details|no)|long card number"
            r"|(?:full )?card number|long number (?:across|on|along) (?:the )?(?:front|card)|"
            r"(?:numbers?|digits) (?:across|on|along) the front of (?:the|your) card|"
            r"1[56][- ]digit (?:card )?number": "card number",
            r"cvv2?|cvc|card verification|3[- ]digit code|three[- ]digit code|(?:three|3|last "
            r"three) (?:little |small )?(?:digits|numbers) (?:on|at|from) the back": "card security code",
            r"(?:expiry|expiration) date(?! (?:on|of) (?:the|your|this) (?:voucher|code|coupon|"
            r"offer|ticket|discount|promo|gift|product|pack|food|label|passport|licen[cs]e))|"
            r"card(?:'s)? expiry": "card expiry date",
            r"sort code|iban|routing number|bank (?:details|account)": "bank details",
            r"social security(?: number)?|ssn|national insurance(?: number)?|tax id":
                "national ID number",
            r"passport (?:number|details)|driv(?:er'?s|ing) licen[cs]e": "ID document number",
            r"date of birth|dob|birth ?date": "date of birth",
            r"(?:your|the|full|home|postal|street|billing|shipping|delivery|mailing|email|e-mail)"
            r" address(?:es)?": "address",
            r"(?:phone|mobile|cell|telephone|contact) (?:number|no)": "phone number",
            r"(?:one[- ]time|verification|2fa|otp|login|sms|6[- ]digit|six[- ]digit) (?:code|"
            r"passcode)": "one-time code",
            r"mother'?s maiden name": "security answer",
            r"login details|username and password|log ?in details": "login details",
        }
    ),
    personal=(
        r"order (?:number|no|id|#|reference|ref)", r"booking (?:reference|number|ref|code)",
        r"reservation (?:number|code)", r"confirmation (?:number|code)",
        r"(?:ticket|case|reference|account) (?:number|no|ref)", r"postcode", r"zip code",
        r"full name", r"surname", r"last (?:four|4) digits", r"email", r"serial number",
        r"policy (?:number|no)", r"(?:car|vehicle) registration", r"registration (?:number|plate)",
        r"(?:licen[cs]e|number) plate", r"claim (?:number|reference|ref)",
        r"(?:customer|membership|member|meter) (?:number|no|id)",
    ),
    request=(
        r"please", r"pls", r"plz", r"can you", r"could you", r"would you", r"will you",
        r"reply", r"respond", r"send", r"share", r"provide", r"give", r"tell", r"post",
        r"confirm", r"let (?:us|me) know", r"what is", r"need", r"include", r"comment", r"type",
        r"enter", r"drop", r"leave", r"write", r"supply", r"verify", r"require", r"pop",
        r"dm(?: us| me)?", r"message (?:us|me)", r"inbox (?:us|me)",
        r"read (?:me |us )?(?:out|back)", r"read (?:me|us) (?:the|your)",
    ),
    negation=(
        r"(?:never|do not|please do not|no need to|without|avoid|not) (?:\w+ ){0,2}?(?:share|"
        r"sharing|post|posting|give|giving|send|sending|include|including|tweet|tweeting|reveal"
        r"|revealing|ask|asking|need)",
        r"(?:nobody|no one|we|i) (?:will|would|should) (?:never|not|ever) ask",
        r"(?:never|not) ask(?:ed|s)? (?:for|you)", r"we will never",
        # "(no card numbers)", "never your card number", "but not your PIN"
        r"\b(?:no|never|not|without) (?:your |the |any |a )?(?:full |long )?(?:card (?:numbers?|"
        r"details)|pins?|passwords?|cvv|security (?:code|number)|passcodes?|one-time codes?)\b",
    ),
    public_cue=(
        r"reply (?:with|here|below|to this|in this)", r"(?:in|on|to) (?:this|the) (?:thread|"
        r"comments?|tweet|post|timeline)", r"below", r"publicly", r"comment (?:with|below|here)",
        r"tweet (?:us|me|it)", r"post (?:it|them|your)",
    ),
    unsafe=(r"keep using (?:it|them)", r"(?:perfectly|completely|totally) safe",
            r"(?:can ?not|can't|physically can ?not) (?:overheat|catch fire|burn|short)",
            r"(?<!not )(?<!never )safe to (?:keep )?(?:use|using|eat|charge)",
            r"nothing to worry about"),
    promotion=(r"have you (?:heard|seen) (?:about|of)", r"upgrade today", r"check out our",
               r"special offer", r"use code", r"\d+ ?% off", r"(?:for|from) (?:just|only) [£$€]",
               r"why not try", r"get a quote", r"now offers?", r"have you seen our",
               r"did you know (?:we|our)", r"(?:link|details) in (?:our )?bio",
               r"free month when you", r"(?:just|now) launched",
               r"(?:use|with|enter|apply) (?:the )?(?:promo |discount )?code [a-z]+\d+",
               r"did you know (?:you can|that you|about|(?:\w+ ){1,2}(?:now )?(?:offers?|sells?|has))", r"download (?:it|our app|the app) "
               r"(?:today|now)", r"start saving", r"earn (?:points|rewards)", r"sign up (?:today|"
               r"now)", r"don't miss (?:out|our)", r"(?:new|latest) (?:collection|range|deals?)"),
)  # fmt: skip

ES = LanguagePhrases(
    apology=(
        r"lo siento", r"lo sentimos", r"siento (?:mucho|muchisimo)", r"sentimos (?:mucho)?",
        r"disculpa(?:s|nos|me|n)?", r"disculpe(?:n)?", r"perdon(?:a|e|anos)?", r"lamentamos",
        r"lamento", r"pedimos disculpas", r"mil disculpas", r"te pido disculpas",
        r"(?:fue|es) (?:un )?(?:error|fallo) nuestro", r"la culpa es nuestra",
    ),
    generic_apology=(
        r"(?:disculpe(?:n)?|disculpa|perdon|sentimos|lamentamos)(?: mucho)? (?:por )?(?:las|cualquier|"
        r"los posibles) (?:molestias|inconvenientes?)(?: ocasionad[oa]s?| causad[oa]s?)?",
    ),
    non_apology=(
        r"(?:siento|sentimos|lamento|lamentamos) (?:que|si) (?:te |le |usted )?(?:sientas?|"
        r"sienta|hay(?:a|as) sentido|moleste|parezca|pienses|piense)",
    ),
    acknowledgement=(
        r"entiendo", r"entendemos", r"comprendo", r"comprendemos", r"me imagino", r"imagino",
        r"(?:es|fue|debe ser|resulta) (?:muy |super |realmente |totalmente )?(?:frustrante|"
        r"molesto|inaceptable|un fastidio|una faena|un desastre|horrible|terrible|"
        r"preocupante|agotador|lamentable|injusto)",
        r"frustrante", r"que (?:rabia|faena|fastidio|mal|susto|disgusto|lata)",
        r"(?:tienes|tiene) (?:toda la )?razon", r"no (?:es|fue) aceptable",
        r"no (?:deberia|tendria que) haber (?:pasado|ocurrido)", r"menud[oa]",
        r"vaya (?:susto|faena|lio|problema)", r"gracias por (?:avisar|avisarnos|contarnos|tu "
        r"paciencia|su paciencia|la paciencia|escribirnos|informarnos|las fotos|esperar)",
        r"no es (?:lo que|justo)", r"lo ultimo que", r"(?:mal|peor) momento",
        r"(?:es|era|fue) demasiado", r"merec\w+ (?:otra cosa|algo mejor|mas)",
        r"(?:le|te|les) fallamos", r"descuido nuestro", r"no es justo",
        r"(?:cumpleanos|boda|vacaciones|aniversario)", r"(?:agobiante|estresante|"
        r"humillante|preocupante|desesperante|indignante|fastidioso)",
    ),
    holding=(
        r"(?:lo |la )?(?:estamos|estoy) (?:revisando|investigando|mirando)(?: (?:lo|el caso|tu "
        r"caso|su caso))?", r"lo (?:revisamos|miramos|vemos)", r"lo antes posible",
        r"(?:te|le) diremos algo", r"en breve", r"a la mayor brevedad",
        r"trasladaremos (?:tu|su) (?:comentario|queja|caso|consulta)",
        r"(?:nos pondremos|se pondran|se pondra) en contacto(?: (?:contigo|con usted))?",
        r"te (?:diremos|contaremos) algo", r"(?:hemos|he) tomado (?:buena )?nota",
        r"(?:estan|estamos|esta) trabajando en ello",
        r"tomamos (?:buena )?nota",
    ),
    personal_action=(
        r"(?:ya |acabo de |personalmente )?(?:he|acabo de) (\w+)((?: [^,;:]*)?)",
        r"(?:voy|me voy) a (\w+)((?: [^,;:]*)?)",
        r"(?:te |le |os |les |lo |la )?(\w+(?:are|ere|ire))((?: [^,;:]*)?)",
        r"(?:puedo|quiero) (?:ofrecerte |ofrecerle )?(\w+)((?: [^,;:]*)?)",
        r"(?:me encargo|me ocupo|estoy) (\w+)((?: [^,;:]*)?)",
        r"(?:te|le|os|les|lo|la|los|las|se lo|te lo) (aviso|escribo|llamo|envio|mando|confirmo|"
        r"reviso|devuelvo|paso|cambio|tramito|gestiono|abono|reembolso|corrijo|activo|"
        r"desbloqueo|reenvio|anulo|cancelo|arreglo)((?: [^,;:]*)?)",
    ),
    team_action=(
        r"(?:ya |acabamos de )?(?:hemos|acabamos de) (\w+)((?: [^,;:]*)?)",
        r"vamos a (\w+)((?: [^,;:]*)?)",
        r"(?:te |le |os |les |lo |la )?(\w+(?:aremos|eremos|iremos))((?: [^,;:]*)?)",
        r"podemos (\w+)((?: [^,;:]*)?)", r"(?:nos encargamos|estamos) (\w+)((?: [^,;:]*)?)",
        r"(?:el equipo|nuestro equipo|el tecnico|el repartidor|el mensajero) (?:va a |ha |"
        r"te |le )?(\w+)((?: [^,;:]*)?)",
        # "te la tramitamos", "ya te devolvimos", "ya revisamos": we act (present or preterite)
        r"(?:ya |hoy )?(?:te|le|les|se|os)(?: (?:lo|la|los|las))? (\w{3,}(?:amos|emos|imos))"
        r"((?: [^,;:]*)?)",
        r"ya (\w{3,}(?:amos|emos|imos))((?: [^,;:]*)?)",
    ),
    not_action_verbs=frozenset(
        ["sentimos", "lamentamos", "entendemos", "comprendemos", "agradecemos", "recordamos",
         "informamos", "pedimos", "deseamos", "queremos", "esperamos", "tenemos", "estamos",
         "somos", "vemos", "sabemos", "creemos", "pensamos", "debemos", "podemos", "llevamos",
         "sido", "estado", "tenido", "sentido", "entendido", "pensado", "creido", "visto", "leido", "podido", "querido", "ser", "estar", "tener", "sentir", "entender", "saber", "esperar", "intentar", "ver", "pensar", "creer", "sera", "estare", "estaremos", "seremos", "tendre", "tendremos", "podre", "podremos"]
    ),
    outcome=(
        r"(?:recibiras|recibira|tendras|tendra|te llegara|le llegara|llegara|saldra|estara)",
        r"(?:tu|su|el|la) (?:reembolso|pedido|paquete|abono|tecnico|sustituto|servicio|dinero)"
        r" (?:ya )?(?:esta|estara|sale|llega|llegara|saldra|se ha)",
        r"(?:ya )?(?:esta|estan) (?:restablecid|solucionad|reembolsad|arreglad|enviad)\w*",
        r"(?:ya )?(?:esta|estan) (?:alli|en camino|de camino|en ruta|trabajando en)",
        r"(?:te|le) llega", r"llega (?:en|hoy|manana|el)",
        r"(?:resuelt|arreglad|restablecid|solucionad)[oa]s? (?:a las|antes|hoy|manana|en)",
    ),
    instruction=(
        r"por favor,? (?:\w+ ){0,2}?(?:envia|enviame|envianos|manda|escribe|revisa|comprueba|"
        r"deja|desenchufa|apaga|no uses|llama|responde|pulsa|entra|abre)",
        r"(?:envianos|enviame|mandanos|escribenos|revisa|comprueba|pulsa|entra|abre|deja de|"
        r"desenchufa|apaga|llamanos|reinicia) ",
    ),
    question=(r"¿[^?]{3,160}\?", r"(?:puedes|podrias|me dices|nos dices|me confirmas)[^.]*\?"),
    timeframe=(
        r"hoy", r"manana", r"esta (?:tarde|noche|manana|semana)", r"ahora mismo", r"enseguida",
        r"de inmediato", r"en (?:menos de )?(?:\d+|una|un|dos|tres|24|48) (?:horas?|minutos?|"
        r"dias?)", r"antes de(?:l)? (?:las|la|el|fin|mediodia|\d)", r"a las \d",
        r"(?:el |este |el proximo )?(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)",
        r"entre las \d", r"la proxima semana", r"\d{1,2}[:.]\d{2}", r"\d{1,2} ?h\b",
        r"(?:primera|a primera) hora", r"(?:en )?un par de (?:minutos|horas|dias)",
    ),
    handover=(r"(?:he|hemos) pasado", r"traslad\w+", r"escalad\w+", r"deriv\w+", r"pas\w+ (?:a|al)"),
    specialist=(r"equipo", r"especialistas?", r"tecnicos?", r"departamento", r"responsable",
                r"supervisor\w*", r"compañer\w+", r"companer\w+"),
    safety_instruction=(
        r"(?:deja|dejad|deje|dejen)(?: \w+){0,2} de (?:usar|utilizar|cargar|dar|comer)", r"no (?:lo |la )?(?:uses|"
        r"use|utilices|cargues|enchufes|comas|des)", r"desenchufa\w*", r"apaga\w*",
        r"(?:lejos|fuera) del alcance", r"(?:acude|llama) (?:a|al) (?:un )?(?:medico|urgencias|"
        r"112)", r"no (?:toques|toqueis|toque|toquen)", r"(?:salid|sal|salga|salgan) (?:de|ya)",
        r"(?:bajad|baja|baje) (?:ahora )?el (?:diferencial|automatico)", r"llamad al 112",
    ),
    dm=(r"(?:mensaje|mensajes) (?:directo|privado)s?", r"\bmd\b", r"por privado", r"por dm",
        r"en privado", r"bandeja de entrada", r"te (?:he|hemos) escrito", r"dm"),
    compensation=(r"vale", r"cupon", r"descuento", r"compensacion", r"abono", r"credito",
                  r"cortesia", r"gratis", r"sin coste", r"como disculpa"),
    blame=(
        r"indica claramente", r"si no (?:siguio|leyo|uso|seguiste|leiste)",
        r"deberias haber(?! (?:recibido|sido|tenido))", r"(?<!no )deberia haber(?! (?:pasado|ocurrido|sucedido|recibido|sido|"
        r"llegado|tenido|salido))", r"(?:es )?responsabilidad (?:suya|tuya)", r"debiste", r"debio(?! (?:llegar|haber|ser|estar|salir))",
        r"es (?:tu|su) culpa", r"como ya se (?:le|te) (?:indico|dijo|explico|informo)",
        r"si lo (?:hubiera|hubieras|hubiese) hecho", r"(?:esperamos|espero) que ahora (?:le |te )?"
        r"(?:quede|este) (?:mas )?claro", r"(?:nuestros registros|nuestro sistema) no (?:muestra|muestran|"
        r"registra|refleja)n? ningun", r"no (?:nos )?consta (?:ninguna|ningun)",
        r"la culpa es (?:tuya|suya)", r"no (?:leiste|leyo|has leido|ha leido)",
        r"como (?:ya )?se (?:indica|explica)", r"lee las instrucciones", r"error (?:tuyo|suyo|"
        r"del usuario)", r"si hubieras (?:leido|mirado)",
    ),
    deflection=(
        r"no es (?:nuestra|mi) (?:culpa|responsabilidad)", r"no es (?:nuestro|mi) problema",
        r"no podemos hacer nada", r"es (?:nuestra )?politica", r"te recordamos que",
        r"le recordamos que", r"(?:dentro|fuera) del plazo", r"los plazos son", r"(?:contacte|contacta|"
        r"reclame|reclama) (?:con|a) (?:la empresa de transporte|el transportista|su banco|"
        r"tu banco|el fabricante)",
    ),
    insult=(r"como (?:seguramente|bien|ya) (?:ya )?(?:sabe|sabes|sabra)", r"cualquiera que sepa",
            r"explicar(?:te|le)? (?:despacio|lentamente)", r"no es (?:tan )?dificil",
            r"idiota", r"estupid[oa]s?", r"tont[oa]s?", r"imbecil", r"inutil", r"gilipollas",
            r"capull[oa]", r"pendej[oa]", r"aprende a leer", r"no sabes leer", r"callate",
            r"tranquilizate", r"ignorante", r"pesad[oa]",
            r"(?:algunos|otros|ciertos) clientes (?:prefieren|deciden|eligen) no (?:informarse|leer)",
            r"(?:la mayoria de|casi todos) (?:los|nuestros) clientes (?:lo )?(?:consiguen|saben|"
            r"entienden|leen)", r"como ya (?:le|te) (?:he|hemos) (?:explicado|dicho)"),
    profanity=(r"mierda", r"joder", r"cono", r"hostia", r"puta", r"cabron\w*", r"carajo"),
    sarcasm=(r"enhorabuena", r"felicidades", r"que sorpresa", r"jaja+", r"buena suerte",
             r"(?<=, )(?:genio|campeon|crack|figura|maestro|idolo|capo|listillo)(?=\W*$)",
             r"obviamente (?:tu|usted)"),
    guarantee=(r"garantiza\w*", r"te garantizo", r"le garantizo", r"100 ?%",
               r"nunca (?:mas )?(?:volvera|va a volver) a (?:pasar|ocurrir)",
               r"no volvera a (?:pasar|ocurrir)"),
    liability=(r"asumimos (?:toda la )?responsabilidad", r"reconocemos (?:nuestra |toda la )?"
               r"responsabilidad", r"(?:causo|provoco) (?:el incendio|la quemadura|las lesiones)"),
    damages=(r"danos y perjuicios", r"indemniz\w+"),
    scripted=(r"gracias por (?:contactar|ponerse en contacto|ponerte en contacto|contactarnos)",
              r"lamentamos las molestias", r"(?:tu|su) satisfaccion es nuestra prioridad",
              r"departamento correspondiente", r"no dudes en",
              r"(?:su|tu) opinion es (?:muy )?importante", r"lamentamos las molestias ocasionadas",
              r"estimado cliente", r"no dude en"),
    sensitive=MappingProxyType(
        {
            r"contrasena|clave(?: de acceso)?": "password",
            r"pin|(?:los )?(?:cuatro|4) (?:numeros|digitos|cifras) (?:que usas|que usa|del|de tu|"
            r"de su) (?:en el )?cajero|clave del cajero": "PIN",
            r"numero (?:completo )?de (?:la |tu |su )?tarjeta|(?:los )?(?:16 |dieciseis )?"
            r"(?:numeros|digitos) (?:largos )?de (?:la |tu |su |delante de la )?tarjeta|"
            r"(?:numeros|digitos) (?:de )?delante de la tarjeta": "card number",
            r"cvv|cvc|codigo de seguridad": "card security code",
            r"codigo de verificacion|codigo (?:que|sms)": "one-time code",
            r"(?:numero de )?cuenta bancaria|iban": "bank details",
            r"(?:tu|su) (?:direccion|domicilio)|direccion (?:completa|postal)": "address",
            r"(?:numero de )?(?:telefono|movil)": "phone number",
            r"fecha de nacimiento": "date of birth",
            r"dni|nie|pasaporte": "ID document number",
        }
    ),
    personal=(r"numero de pedido", r"(?:numero de )?referencia", r"localizador", r"correo"),
    request=(r"por favor", r"puedes", r"podrias", r"puede", r"podria", r"envia\w*", r"manda\w*",
             r"comparte\w*", r"indica\w*", r"facilita\w*", r"dinos", r"dime", r"escribe\w*",
             r"responde\w*", r"necesito", r"necesitamos",
             # usted imperatives: "dígame", "indíquenos", "envíeme", "léame", "confírmeme"
             r"digame", r"diganos", r"deme", r"denos", r"dame", r"danos", r"pasame", r"paseme",
             r"envie\w*", r"mande\w*", r"comparta\w*", r"indique\w*", r"facilite\w*",
             r"escriba\w*", r"confirm[ae]\w*", r"leame", r"leanos", r"proporcione\w*"),
    negation=(r"nunca (?:te |le )?(?:pediremos|pedimos|compartas|envies)", r"no (?:compartas|"
              r"envies|publiques|hace falta)", r"en ningun (?:caso|momento)",
              r"no (?:nos |me |le |te )?(?:comparta|envie|publique|diga|de)\b",
              r"nunca (?:te |le )?(?:voy a |vamos a )?(?:pedir|preguntar)\w*",
              r"no (?:te |le )?(?:necesito|necesitamos|hace falta|voy a pedir|vamos a pedir)",
              r"sin (?:necesidad de )?(?:decirme|darme|decirnos|darnos)"),
    public_cue=(r"aqui (?:mismo|abajo|en los comentarios)", r"en (?:este|los) (?:hilo|"
                r"comentarios?|tuit)", r"publicamente"),
    promotion=(r"\d+ ?% de descuento", r"descuento del? \d+", r"codigo (?:promocional|de descuento)",
               r"(?:usa|utiliza|con|introduce) el codigo [a-z]+\d*", r"no te lo pierdas",
               r"no se lo pierda", r"oferta especial", r"(?:has|ha) visto nuestr[ao]s?",
               r"(?:nueva|nuevas|nuevo|nuevos) (?:coleccion|ofertas?|promociones?|tarifas?)",
               r"(?:descarga|descargue) (?:nuestra|la) app", r"aprovecha (?:nuestra|esta|la) "
               r"(?:oferta|promocion)"),
)  # fmt: skip

FR = LanguagePhrases(
    apology=(
        r"desole(?:e|s|es)?", r"(?:toutes )?nos excuses", r"(?:je|nous) (?:vous )?(?:prie|"
        r"prions) de (?:nous |m')?excuser", r"je m'excuse", r"nous nous excusons",
        r"pardon", r"navre(?:e|s|es)?", r"(?:je|nous) regrett(?:e|ons)", r"mes excuses",
        r"c'est (?:de )?notre faute", r"(?:c'est|c'etait) une erreur de notre part",
    ),
    generic_apology=(
        r"(?:desole|desoles|excuses|nous nous excusons) (?:pour|de) (?:la gene|le desagrement|"
        r"les desagrements|tout desagrement|tout inconvenient|les inconvenients)"
        r"(?: occasionnee?s?)?",
    ),
    non_apology=(r"desole(?:e|s)? (?:que vous (?:le )?(?:ressentiez|pensiez|preniez|soyez)|si "
                 r"vous (?:avez|etes))", r"desole\w* que vous ayez (?:eu )?(?:ce|cette|un|une) "
                 r"(?:ressenti|impression|sentiment)"),
    acknowledgement=(
        r"je comprends", r"nous comprenons", r"je comprends (?:tout a fait|parfaitement)",
        r"(?:c'est|c'etait|ce doit etre|ca doit etre) (?:vraiment |tres |tellement |"
        r"particulierement )?(?:frustrant|agacant|inacceptable|penible|decevant|inquietant|"
        r"stressant|epuisant|genant|rageant|lamentable|injuste|grave)",
        r"frustrant", r"vous avez (?:tout a fait |entierement |parfaitement )?raison",
        r"j'imagine", r"(?:ca|cela) n'aurait (?:jamais )?pas du", r"n'aurait jamais du",
        r"quelle galere", r"merci (?:de|pour) (?:nous avoir|votre patience|le signalement|"
        r"avoir signale|votre message|les photos|votre retour|nous prevenir|votre comprehension)",
        r"normal que vous soyez", r"inadmissible", r"(?:anniversaire|mariage|vacances)",
        r"vous meritiez", r"on vous a laisse tomber", r"(?:c'est|c'etait) trop",
        r"pas (?:acceptable|normal|ce que)", r"(?:stressant|humiliant|inquietant|"
        r"penible|rageant|decevant|agacement|pas le moment)",
    ),
    holding=(r"(?:nous|je) (?:regardons|examinons|etudions)(?: (?:cela|ca|votre (?:cas|"
             r"dossier)))?", r"(?:nous|on) revenons vers vous(?: rapidement| bientot)?",
             r"(?:quelqu'un|un conseiller) (?:va|vous) (?:vous )?recontacter",
             r"service concerne", r"dans les (?:plus )?brefs delais", r"reviendra vers vous",
             r"(?:nous avons|avons|j'ai) (?:bien )?(?:pris )?(?:bonne )?note"),
    personal_action=(
        r"(?:je viens d'|je viens de (?:vous |lui |leur |le |la |les )?|j'ai (?:deja |bien )?|"
        r"j'en ai |je (?:vous |lui |leur |l')?ai (?:deja |bien )?)(\w+)((?: [^,;:]*)?)",
        r"je (fais|lance|mets|prends|passe|rembourse|envoie|relance|bloque|annule)((?: [^,;:]*)?)",
        r"je (?:te |vous |lui )?(?:l'|le |la |les )(echange|rembourse|envoie|annule|renvoie|"
        r"remplace|corrige|debloque|reactive|bloque|rappelle|relance)((?: [^,;:]*)?)",
        r"je (?:vais|peux|souhaite) (?:vous |lui |le |la |les )?(\w+)((?: [^,;:]*)?)",
        r"je (?:vous |le |la |les |lui |m'en )?(\w+(?:erai|rai|irai))((?: [^,;:]*)?)",
        r"je (?:m'occupe|m'en occupe|relance|contacte|transmets|envoie|rembourse|programme|"
        r"lance|verifie|appelle|organise|bloque|reactive|cree|reserve)((?: [^,;:]*)?)()",
    ),
    team_action=(
        r"(?:nous venons d'|nous venons de |nous avons (?:deja |bien )?|on a )(\w+)"
        r"((?: [^,;:]*)?)",
        r"(?:nous allons|nous pouvons|on va) (?:vous |lui |le |la |les )?(\w+)((?: [^,;:]*)?)",
        r"nous (?:vous |le |la |les |lui )?(\w+(?:erons|rons|irons))((?: [^,;:]*)?)",
        r"(?:l'equipe|notre equipe|le technicien|le livreur|un technicien) (?:va |vous )?(\w+)"
        r"((?: [^,;:]*)?)",
    ),
    not_action_verbs=frozenset(["ete", "eu", "su", "pu", "voulu", "cru", "pense", "compris", "vu", "etre", "avoir", "serai", "serons", "aurai", "aurons"]),
    outcome=(
        r"vous (?:recevrez|aurez|serez (?:rembourse|contacte|recredite|livre)\w*|verrez)",
        r"(?:votre|le|la) (?:remboursement|colis|commande|technicien|avoir|argent|service)"
        r" (?:sera|arrivera|partira|est (?:en route|parti|envoye|valide))",
        r"(?:est|sont) (?:retabli|resolu|rembourse|repare|reactive)\w*",
        r"(?:est|sont) (?:en route|sur place|en chemin)",
        r"(?:retabli|repare|resolu)e?s? (?:d'ici|avant|vers|a \d)",
        r"(?:va|vont) (?:sortir|arriver|etre (?:disponible|livre|repare|retabli))",
    ),
    instruction=(
        r"(?:merci de|veuillez|pourriez-vous) (?:\w+ ){0,2}?(?:envoyer|nous envoyer|indiquer|"
        r"verifier|debrancher|arreter|cesser|ne pas utiliser|rappeler|repondre|cliquer)",
        r"(?:envoyez|indiquez|verifiez|debranchez|arretez|cliquez|appelez|redemarrez|"
        r"ouvrez) ", r"vous pouvez (?:\w+ )?(?:le |la |les |l')?\w+(?:er|ir|re)\b",
    ),
    question=(r"[^.?!]{3,160}\?",),
    timeframe=(
        r"aujourd'hui", r"demain", r"ce soir", r"cet apres-midi", r"cette semaine",
        r"(?:sous|dans|en moins de) (?:\d+|une|deux|trois|24|48|l') ?(?:heures?|minutes?|"
        r"jours?|semaines?|heure)", r"avant (?:ce soir|demain|midi|la fin|\d+ ?h|vendredi|"
        r"lundi|jeudi)", r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)",
        r"\d{1,2} ?h(?:\d{2})?", r"immediatement", r"tout de suite", r"des maintenant",
        r"la semaine prochaine", r"des (?:demain|que possible)", r"entre \d",
    ),
    handover=(r"transmis", r"transmets", r"transmettre", r"escalade", r"remonte", r"transfere",
              r"confie"),
    specialist=(r"equipe", r"service", r"specialistes?", r"technicien", r"responsable",
                r"superviseur", r"collegues?", r"conseiller"),
    safety_instruction=(
        r"(?:arretez|cessez)(?: \w+){0,2} (?:d'|de )?(?:utiliser|charger|consommer|donner)",
        r"n'utilisez (?:plus|pas)", r"ne (?:l'|le |la )?(?:utilisez|rechargez|branchez) (?:plus"
        r"|pas)", r"debranchez", r"(?:hors de (?:la )?portee|a l'ecart) des enfants",
        r"consultez un medecin", r"appelez le (?:15|18|112)", r"sortez (?:de|tous|toutes)",
        r"quittez (?:le|la|les) (?:logement|maison|appartement|lieux)", r"ne touchez (?:pas|a rien)",
    ),
    dm=(r"message prive", r"messages prives", r"\bmp\b", r"en prive", r"messagerie privee",
        r"par dm", r"en dm", r"dm"),
    compensation=(r"bon d'achat", r"geste commercial", r"avoir", r"remise", r"reduction",
                  r"dedommagement", r"compensation", r"gratuit\w*", r"offert"),
    blame=(r"nos (?:dossiers|registres|fichiers|systemes?) ne (?:montrent|mentionnent|indiquent|"
           r"font apparaitre) (?:aucun|pas)", r"vous auriez du(?! (?:etre|recevoir|avoir ete))", r"tu aurais du(?! (?:etre|"
           r"recevoir|avoir ete))", r"c'est (?:de )?(?:votre|ta) faute",
           r"vous n'avez pas (?:lu|suivi|verifie)", r"comme indique", r"lisez (?:la notice|les "
           r"instructions)", r"erreur de votre part"),
    deflection=(r"ce n'est pas (?:de )?notre (?:faute|responsabilite|probleme)",
                r"nous ne pouvons rien (?:faire|y faire)", r"c'est (?:notre )?politique",
                r"(?:contactez|voyez avec) (?:le transporteur|votre banque|le fabricant)",
                r"il faut voir avec", r"voyez avec", r"nos produits sont testes"),
    insult=(r"expliquer lentement", r"rien de (?:bien )?sorcier", r"pas sorcier",
            r"comme vous (?:le )?savez (?:surement|sans doute)", r"n'importe qui",
            r"idiot(?:e|s)?", r"imbecile", r"cretin(?:e|s)?", r"debile", r"abruti\w*",
            r"connard\w*", r"stupide", r"apprenez a lire", r"vous ne savez pas lire",
            r"calmez-vous", r"tais-toi", r"ignorant\w*"),
    profanity=(r"merde", r"putain", r"bordel", r"con(?:ne)?", r"chiant\w*", r"foutre"),
    sarcasm=(r"(?<=, )(?:genie|champion|petit malin|mon grand)(?=\W*$)", r"la prochaine fois ?\?", r"mais bon", r"hein", r"felicitations", r"bravo", r"quelle surprise", r"bonne chance", r"mdr", r"lol",
             r"evidemment vous"),
    guarantee=(r"je vous garantis", r"nous (?:vous )?garantissons", r"garanti (?:que|a 100)",
               r"100 ?%", r"ne se reproduira (?:plus )?jamais", r"plus jamais"),
    liability=(r"(?:nous )?assumons (?:l'entiere|toute la|l'entiere) responsabilite",
               r"reconnaissons (?:notre|l'entiere) responsabilite"),
    damages=(r"dommages(?: et interets)?", r"indemnis\w+"),
    scripted=(r"nous vous remercions (?:de|pour) votre (?:message|retour)",
              r"votre satisfaction est notre priorite", r"cher client", r"n'hesitez pas"),
    sensitive=MappingProxyType(
        {
            r"mot de passe": "password",
            r"(?:code )?pin|code secret": "PIN",
            r"numero (?:complet )?de (?:la |votre |ta )?carte(?: bancaire)?|(?:les )?(?:16 |seize )?"
            r"chiffres (?:de|sur|au recto de) (?:la |votre |ta )?carte": "card number",
            r"cryptogramme|cvv": "card security code",
            r"code (?:de verification|recu par sms|sms)": "one-time code",
            r"rib|iban|coordonnees bancaires": "bank details",
            r"(?:votre )?adresse(?: postale| complete)?": "address",
            r"numero de telephone|portable": "phone number",
            r"date de naissance": "date of birth",
        }
    ),
    personal=(r"numero de commande", r"reference", r"numero de dossier", r"e-?mail"),
    request=(r"merci de", r"pouvez-vous", r"pourriez-vous", r"veuillez", r"envoyez\w*",
             r"indiquez\w*", r"communiquez\w*", r"donnez\w*", r"transmettez\w*",
             r"s'il vous plait", r"svp", r"dites-(?:moi|nous)", r"donne-moi", r"envoie-moi",
             r"(?:j'ai|j'aurai|j'aurais|nous avons|nous aurons|on a) (?:aussi |egalement )?besoin",
             r"vous pouvez me (?:le |la |les )?(?:lire|donner|dire|communiquer)",
             r"confirmez\w*", r"precisez\w*", r"lisez-moi", r"peux-tu", r"pourrais-tu"),
    negation=(r"ne (?:partagez|communiquez|envoyez|publiez) (?:jamais|pas)",
              r"nous ne vous demanderons jamais",
              r"ne (?:vous |te )?(?:demanderons|demanderai|demandons|demande) (?:jamais|pas)",
              r"(?:je n'ai|nous n'avons|on n'a) (?:pas |jamais )?besoin",
              r"sans (?:me |nous )?(?:donner|communiquer)"),
    public_cue=(r"(?:ici|dans les commentaires|en commentaire|sous ce post|publiquement)",),
    promotion=(r"\d+ ?% de (?:reduction|remise)", r"code (?:promo|de reduction)",
               r"avec le code [a-z]+\d*", r"offre speciale", r"ne (?:manquez|ratez|rate) pas",
               r"(?:nouvelle|nouvelles|nouveau|nouveaux) (?:collection|offres?|forfaits?)",
               r"(?:avez-vous|as-tu) vu (?:notre|nos)", r"profitez de (?:notre|nos|cette) "
               r"(?:offre|promo|reduction)", r"decouvrez (?:notre|nos) (?:nouvelle|nouveau|"
               r"nouvelles|nouveaux|offre|gamme)"),
)  # fmt: skip

PHRASES: Mapping[str, LanguagePhrases] = MappingProxyType({"en": EN, "es": ES, "fr": FR})

# Placeholders left in a macro.
PLACEHOLDER_PATTERN = (
    r"\[[^\]]{0,40}macro[^\]]{0,40}\]|\[(?:name|customer|first ?name|issue|order|topic|x+|insert[^\]]{0,30}|[a-z _]{2,20})\]"
    r"|\{[a-z_ ]{1,30}\}|<(?:name|customer|first ?name)>|\bx{3,}\b"
    # a note to the agent left in the macro: "(Agent: offer callback if eligible)"
    r"|[\[(](?:agent|agente|rep|advisor|adviser|conseiller|internal|interne|note interne|"
    r"nota interna|note to agent|todo|tbc)(?: note)? ?[:\-][^\])]{0,80}[\])]"
    r"|[\[(][^\])]{0,60}(?:delete|choose|select) (?:as )?(?:appropriate|applicable)[^\])]{0,20}"
    r"[\])]"
)
# Acronyms that are not shouting.
ALLOWED_ACRONYMS = frozenset({
    "DM", "DMS", "FAQ", "ID", "PIN", "UK", "US", "USA", "EU", "ATM", "PM", "AM", "OK", "TV",
    "SMS", "URL", "ETA", "CEO", "VAT", "IT", "FYI", "ASAP", "PS", "GB", "NYC", "LA", "EST",
    "PST", "GMT", "UTC", "BST", "CET", "APP", "PDF", "IOS", "NHS", "UPS", "DHL", "USPS", "GP",
    "MD", "MP", "SAV", "ISP", "WIFI", "TNT", "DPD", "GLS", "RMA", "IVA", "TVA", "CVV",
})  # fmt: skip
# Words that never name the customer's issue on their own.
GENERIC_WORDS = frozenset(
    [
        "today",
        "tonight",
        "tomorrow",
        "yesterday",
        "hours",
        "hour",
        "days",
        "day",
        "week",
        "weeks",
        "minutes",
        "time",
        "times",
        "please",
        "thanks",
        "thank",
        "hello",
        "dear",
        "regards",
        "sorry",
        "really",
        "never",
        "always",
        "nobody",
        "anyone",
        "someone",
        "anything",
        "something",
        "nothing",
        "everyone",
        "people",
        "guys",
        "team",
        "company",
        "brand",
        "customer",
        "customers",
        "service",
        "help",
        "support",
        "reply",
        "answer",
        "response",
        "respond",
        "message",
        "contact",
        "waiting",
        "wait",
        "waited",
        "absolutely",
        "seriously",
        "literally",
        "terrible",
        "awful",
        "ridiculous",
        "joke",
        "worst",
        "unacceptable",
        "disgusting",
        "useless",
        "pathetic",
        "shocking",
        "appalling",
        "love",
        "great",
        "good",
        "sure",
        "okay",
        "going",
        "want",
        "need",
        "know",
        "think",
        "make",
        "made",
        "take",
        "said",
        "told",
        "tell",
        "look",
        "looking",
        "back",
        "keep",
        "well",
        "much",
        "many",
        "way",
        "thing",
        "things",
        "first",
        "last",
        "next",
        "long",
        "since",
        "ago",
        "etc",
        "like",
        "also",
        "wrong",
        "right",
        "issue",
        "problem",
        "problems",
        "issues",
        "experience",
        "sort",
        "sorted",
        "happen",
        "happened",
        "happening",
        "still",
        "again",
        "already",
        "yet",
        "just",
        "even",
        "ever",
        "only",
        "every",
        "update",
        "updates",
        "going",
        "frustrating",
        "understand",
        "apologise",
        "apologies",
        "apologize",
        "personally",
        "check",
        "checked",
        "checking",
        "soon",
        "asap",
        "hear",
        "heard",
        "touch",
        "message",
        "messages",
        "direct",
        "private",
        "email",
        "online",
        "phone",
        "call",
    ]
)
# Names that are also everyday words: only their capitalised form names the customer.
WORD_NAMES = frozenset(
    [
        "will",
        "bill",
        "mark",
        "grace",
        "hope",
        "may",
        "joy",
        "faith",
        "rose",
        "summer",
        "june",
        "april",
        "art",
        "guy",
        "sue",
        "pat",
        "rich",
        "frank",
        "gene",
        "max",
        "ray",
        "sky",
        "dawn",
        "iris",
        "ivy",
        "jack",
        "sunny",
        "honey",
        "amber",
        "crystal",
        "destiny",
        "chance",
        "hunter",
        "page",
        "bob",
        "rob",
        "don",
        "dean",
        "drew",
        "lane",
        "wade",
        "carol",
    ]
)
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "sr", "sra", "srta",
     "don", "dona", "m", "mme", "mlle", "herr", "frau"}
)  # fmt: skip
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq"})
