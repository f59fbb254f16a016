"""Weighted lexicons (English + French) used by the rule engine: data only, no logic.

Conventions, so a non-programmer can edit these tables:
- Terms are written naturally (accents, apostrophes, hyphens allowed). They are normalised the same
  way as incoming text: lowercased, accents stripped, split on anything that is not a letter or
  digit. So "rendez-vous" matches "Rendez vous", and "aujourd'hui" matches "aujourdhui" only if
  listed separately.
- A trailing "*" makes the last word a prefix: "urgen*" matches urgent, urgently, urgence.
- Weights are additive evidence. 3 = decisive on its own, 2 = strong, 1 = weak hint.
  A term counts once per message however often it appears.
"""

from __future__ import annotations

from .text import Terms

# --------------------------------------------------------------------------- language
# Accented letters are a French signal; they are read from the raw text before normalisation.
FRENCH_ACCENTS = "éèêëàâçîïôûùüœ"

# Function words and very common words. Words shared by both languages (on, me, a, son) and the
# one-letter tokens both produce from apostrophes (s, d, m) are deliberately left out.
FRENCH_WORDS = frozenset(
    """le la les de des du un une et est je j vous nous pour pas avec sur dans mon ma mes votre vos
    notre nos que qui qu ce cette ces ca au aux en l c n bonjour merci svp allo salut il elle mais ou
    aussi tres etre avez avons suis sont faire aimerais voudrais pourriez besoin combien quand
    comment quel quelle quelles chez depuis plus pis tu leur peut pouvez fait cest jaimerais
    toujours rien encore oui deja""".split()
)
ENGLISH_WORDS = frozenset(
    """the and is are to of for you your we our i my it this that with can could would will do does
    have has please hi hello hey thanks thank what how need want like looking just there be was at
    from if any not no so since am get im don t re ve ll about us they he she""".split()
)

# Neither language: the messages the labelling rules send to the fallback, English (price bots in
# Italian, Spanish, Portuguese...). Their common words, and letters French never writes (ñ, í, ã,
# ð, ı, Vietnamese tone marks...: any accented letter not in FRENCH_ACCENTS), count for English.
OTHER_LANGUAGE_WORDS = frozenset(
    """ciao buongiorno hola ola volevo queria quisiera sapere saber tuo vostro seu sua prezzo prezzi
    precio preco listino""".split()
)
FOREIGN_LETTER_WEIGHT = 2

# Common Québec surnames / first names: only used to guess the language when the message is empty.
FRENCH_NAMES = frozenset(
    """tremblay gagnon roy cote bouchard gauthier morin lavoie fortin gagne ouellet pelletier belanger
    levesque bergeron leblanc paquette girard simard boucher caron beaulieu cloutier dube poirier
    fournier lapointe leclerc lefebvre poulin thibault nadeau dufour boivin hamel vachon cyr
    jean francois marc luc pierre mathieu sylvain rejean normand gilles andre yves denis alain benoit
    genevieve nathalie isabelle sophie chantal julie martine karine melanie josee annie helene
    ginette jacinthe lucie danielle valerie emilie catherine marie eve francine""".split()
)

# --------------------------------------------------------------------------- intent
INTENT_TERMS: dict[str, Terms] = {
    "quote_request": Terms({
        "quote": 3, "quotation": 3, "estimate": 3, "how much": 3, "price": 2.5, "pricing": 3,
        "cost": 2, "charge": 1.5, "rate": 1.5, "rates": 1.5, "ballpark": 3, "proposal": 2,
        "budget": 1, "bid": 3, "bids": 3, "fee": 2, "fees": 2, "roughly": 1, "run me": 2,
        "approximate*": 1.5, "numbers": 1.5, "price out": 3,
        "soumission": 3, "estime": 3, "estimation": 3, "devis": 3, "prix": 2.5, "combien": 3,
        "tarif*": 3, "cout*": 2, "proposition tarifaire": 3, "montant": 2, "frais": 2,
        "approximati*": 1.5, "chiffre": 1, "reviendrait": 1.5, "idee du cout": 3, "une idee": 1,
    }),
    "appointment": Terms({
        "book": 3, "booking": 3, "appointment": 3, "schedule": 2.5, "reschedule": 3,
        "available": 2, "availability": 3, "come by": 2.5, "come in": 2, "come": 2,
        "send someone": 2, "visit": 2, "consultation": 2,
        "meeting": 2, "need a plumber": 2.5, "need an electrician": 2.5, "showing": 3,
        "squeeze": 2.5, "fit me in": 3, "fit us in": 3, "arrange": 1.5, "slot": 2, "get in": 1.5,
        "opening": 2, "openings": 1.5, "meet": 2, "get someone": 2.5, "send a tech*": 2.5,
        "monday": 1, "tuesday": 1, "wednesday": 1, "thursday": 1, "friday": 1, "saturday": 1,
        "sunday": 1,
        "rendez-vous": 3, "rdv": 3, "disponib*": 3, "visite": 2, "convient": 1.5,
        "envoyer un technicien": 2.5, "envoyer quelqu'un": 2.5, "lundi": 1, "mardi": 1,
        "mercredi": 1, "jeudi": 1, "vendredi": 1, "samedi": 1, "dimanche": 1, "passer": 1.5, "venir": 1.5,
        "visiter": 2.5, "rencontre": 2, "reserver": 3, "une place": 1.5, "envoyez quelqu'un": 3,
        "me voir": 2, "le voir": 2, "creneau": 2.5, "venir voir": 2, "venir evaluer": 2,
    }),
    "information": Terms({
        "question": 2, "quick question": 3, "wondering": 2.5, "curious": 2, "do you": 1.5,
        "are your": 1.5, "hours": 2, "opening hours": 3, "serve": 2, "info": 2, "information": 2,
        "advice": 2, "tell me": 1.5, "what documents": 2.5, "accept new patients": 2,
        "speak english": 2, "does it": 1, "how long": 2, "plan ahead": 1.5, "not sure": 1.5,
        "do i need": 2, "where to start": 1.5, "typical*": 1, "how far in advance": 3,
        "in advance": 1, "payment methods": 2, "accept": 1,
        "est-ce que vous": 1.5, "savoir": 2, "je me demandais": 2.5, "renseign*": 3,
        "heures d'ouverture": 3, "desservez": 3, "offrez-vous": 2, "difference": 2,
        "admissible*": 2, "subvention": 1.5, "quelles sont": 1, "travaillez": 1.5,
        "faites-tu": 2, "documents requis": 2.5, "m'indiquer": 1.5, "licence": 1.5,
        "c'est quoi": 2.5, "quel est": 1.5, "delai": 1.5, "necessaire": 1.5, "permis": 1,
    }),
    "support": Terms({
        "not working": 3, "stopped working": 3, "doesn't work": 3, "broken": 2, "warranty": 2,
        "invoice": 3, "agreed on": 1.5, "refund": 3, "complaint": 3, "unacceptable": 3, "disappointed": 2,
        "still waiting": 3, "follow up": 2, "you installed": 3, "you built": 3, "your crew": 2,
        "you did": 2, "can't log": 3, "password": 2, "reset": 1.5, "fix": 1.5, "issue": 2,
        "problem": 2, "fell out": 1.5, "down since": 2, "third time": 2, "you put in": 3,
        "come back": 2, "keeps": 1.5, "every time": 1, "still haven't": 3, "haven't received": 2,
        "your guys": 2, "your team": 1.5, "since your visit": 2.5, "won't let me": 2, "crash*": 2,
        "error": 2, "bug": 2, "a bill": 2.5, "the bill": 2.5, "my bill": 2.5, "charged": 2,
        "correct it": 1.5, "cancelled": 1, "peeling": 1.5, "showed up": 1.5, "no one answers": 2,
        "unprofessional": 2.5, "what are you going to do": 2.5, "app": 1,
        "ne fonctionne pas": 3, "ne fonctionne plus": 3, "probleme": 3, "plainte": 3,
        "garantie": 2, "facture": 3, "remboursement": 3, "inacceptable": 3, "decu": 2,
        "toujours pas": 2.5, "suivi": 1.5, "n'arrive pas": 2.5, "acceder": 1.5,
        "que vous avez": 2.5, "que vous m'avez": 3, "votre intervention": 2.5, "installee": 1.5,
        "se plaignent": 2, "regler": 1.5, "expire": 1.5, "troisieme fois": 2,
        "retour d'appel": 2, "brise*": 2, "repare*": 1.5, "rappele": 1.5, "vos gars": 2,
        "votre passage": 2.5, "revenir": 1, "pouvez revenir": 2, "peut revenir": 2,
        "affiche": 1.5, "application": 1, "chaque fois": 1, "n'ai pas recu": 2, "erreur": 2,
    }),
    "partnership": Terms({
        "partner*": 3, "collaborat*": 3, "team up": 3, "referral*": 2.5, "refer": 1.5,
        "general contractor": 1.5, "my projects": 1.5, "sub": 2, "capacity": 1, "we run a": 1,
        "sponsor": 3, "exhibitor": 3, "preferred": 1.5, "supplier": 2, "joint marketing": 3,
        "service agreement": 2.5, "subcontract*": 3, "work with": 1.5,
        "partenari*": 3, "commanditaire*": 3, "s'associer": 3, "privilegie": 2, "fournisseur": 2,
        "referencement": 2.5, "entente": 1.5, "reseautage": 2, "sous-trait*": 3,
        "travailler avec": 1.5,
    }),
    "job_application": Terms({
        "hiring": 3, "resume": 3, "cv": 3, "apply": 3, "applying": 3, "position": 2, "job": 2.5,
        "full-time work": 2.5, "openings": 1.5, "join your team": 3, "interview": 2,
        "summer help": 3, "years of experience": 1.5, "i can start": 2, "available to start": 2,
        "can start": 2, "internship": 3, "intern": 2.5, "laborer": 2, "hard worker": 2,
        "your ad": 2,
        "emploi": 3, "candidature": 3, "poste": 2, "recrut*": 3, "engagez-vous": 3, "embauch*": 3,
        "me joindre a votre equipe": 3, "apprenti": 2, "stagiaire": 2, "ans d'experience": 1.5,
        "je peux commencer": 2, "journalier": 2, "stage": 2, "votre offre": 1.5,
    }),
    "spam": Terms({
        "seo": 3, "google": 1.5, "first page": 2.5, "ranking": 2, "bitcoin": 4, "crypto*": 4,
        "click here": 4, "casino": 4, "viagra": 5, "cialis": 5, "free spins": 4, "earn": 1.5,
        "per week": 1.5, "limited": 1.5, "guaranteed": 2, "free audit": 4, "leads": 2.5,
        "unbeatable": 3, "no prescription": 4, "your profile": 3, "know you better": 3,
        "boost": 2, "traffic": 2, "pay per lead": 4, "no contract": 2, "reply yes": 3,
        "we build": 2, "stunning": 2, "for sale": 1.5, "free": 1,
        "premiere page": 2.5, "cliquez": 3, "tours gratuits": 4, "gagnez": 2, "par semaine": 1.5,
        "offre limitee": 3, "garantis": 2, "audit gratuit": 4, "listes de courriels": 3,
        "votre profil": 3, "faire votre connaissance": 3, "felicitations": 2, "selectionne": 2.5,
        "carte-cadeau": 2.5, "reclamer": 2.5, "sans verification de credit": 4,
        "argent rapide": 3, "avis google": 3, "trafic": 2, "repondez oui": 3, "gratuit*": 1,
        "plus de clients": 2, "more customers": 2, "prix d'usine": 3, "factory price*": 3,
        "worldwide": 2, "livraison mondiale": 3, "catalog*": 2, "has been processed": 2.5,
        "did not authorize": 3, "unauthorized": 2, "verify your account": 3, "voyance": 4,
        "psychic": 4, "horoscope": 3, "call now": 2.5, "appelez maintenant": 2.5, "gagnant": 3,
        "tirage": 2.5, "vos coordonnees": 1.5, "perdez": 2, "miracle": 3, "commandez": 2.5,
        "order now": 3, "sans effort": 2, "we help businesses": 3, "businesses like yours": 3,
        "reaching out": 1.5, "demo": 2.5, "visitors": 1.5, "winner": 3, "you have won": 3,
        "you've won": 3, "lose weight": 3,
        # Added for the learned model from the scams it missed in cross-validation on the train split.
        "homme serieux": 3, "mon cher": 2, "sugar daddy": 4, "handsome": 2, "visibilite en ligne": 3,
        "nouveaux clients": 2, "new customers": 2, "funding": 2.5, "working capital": 3,
        "line of credit": 2.5, "pre-approved": 3, "pre-approuve*": 3, "website guy": 3,
        "qui s'occupe de votre site": 3, "advertise": 2.5, "advertising": 2.5, "banner": 2,
        "espace publicitaire": 3, "cahier special": 2.5, "open the shared": 3, "view document": 2.5,
        "case acceptance": 3, "wire transfer": 3, "banking details": 3, "coordonnees bancaires": 3,
        "informations bancaires": 3, "next of kin": 4, "beneficiary": 2.5, "listing fee": 3,
        "frais d'inscription": 3, "followers": 2.5, "abonnes": 2, "are you the owner": 3,
        "for the owner": 2.5, "proprietaire de l'entreprise": 3, "precio": 3, "preis": 3, "prezzo": 3,
        "cijenu": 3, "kaina": 3, "kaina*": 3, "verd": 2, "phraghas": 3, "giciro": 3,
    }),
    "other": Terms({
        "thank you so much": 2, "just wanted to say": 3, "wrong form": 4, "ignore": 2,
        "remove me": 4, "mailing list": 3, "unsubscribe": 4, "congrats": 3, "congratulations": 3,
        "recommend": 1.5, "test": 3,
        "trompe": 3, "retirer": 3, "liste d'envoi": 3, "bonne annee": 3, "souligner": 2,
        "ravis": 2, "gros merci": 2, "beau travail": 2, "excellent service": 2,
        "merci beaucoup pour": 2,
    }),
}

# Structural intent signals (see rules.structural_scores).
# "you installed", "your crew replaced", "vous avez posé": a complaint about work already done.
PAST_SERVICE_WEIGHT = 2.5
# After "you", -ed words that are not work done for the sender: not participles ("you need"), or the
# business receiving what the sender sent ("just checking you received my application").
NOT_PARTICIPLES = frozenset("need speed indeed proceed succeed exceed feed received".split())
# French inverted questions ("acceptez-vous", "travaillez-vous") ask for information, except
# request modals that introduce a favour ("pouvez-vous venir", "auriez-vous une place").
INVERTED_QUESTION_WEIGHT = 2.0
REQUEST_MODALS = frozenset("pouvez pourriez voulez voudriez auriez avez".split())

# Structural spam signals (read from the raw text): weight added to the spam score.
SPAM_LINK_WEIGHT = 2.5
SPAM_EMAIL_WEIGHT = 1.5

# --------------------------------------------------------------------------- urgency
# Evidence the lead needs help soon. Any of these preceded (within NEGATION_WINDOW words) by a
# negator is read as calm instead: "not urgent", "rien d'urgent", "it doesn't hurt".
URGENT_TERMS = Terms({
    "urgen*": 3, "asap": 3, "right away": 3, "right now": 3, "immediately": 2.5, "today": 2.5,
    "tonight": 2.5, "emergency": 3, "leak": 2.5, "leaking": 2.5, "flood*": 3, "burst": 3,
    "water everywhere": 3, "burning smell": 3, "no hot water": 2, "toothache": 2, "swelling": 2,
    "pain": 2, "hurts": 2, "hurt": 2, "now": 1, "this morning": 1, "down since": 1.5,
    "aujourd'hui": 2.5, "aujourdhui": 2.5, "ce soir": 2.5, "des que possible": 3,
    "immediatement": 2.5, "au plus vite": 3, "tout de suite": 3, "fuite": 2.5, "inondation": 3,
    "refoule": 2, "rapidement": 1.5, "j'ai mal": 2, "il pleut": 2.5, "ne chauffe plus": 2,
    "froid": 1, "pus d'eau chaude": 1.5, "pas d'eau chaude": 1.5, "plus d'eau chaude": 1.5,
    "coule": 1.5, "ce matin": 1, "as soon as you can": 3, "as soon as possible": 3,
    "le plus tot possible": 3, "gas smell": 3, "smell of gas": 3, "smell gas": 3,
    "odeur de gaz": 3, "no heat": 2.5, "plus de chauffage": 2.5, "water damage": 2,
    "backing up": 2.5, "sewage": 2.5, "ne part plus": 2, "won't start": 2,
    # Hard-sell pressure: only ever shows in tone, since spam urgency is always Low.
    "limited": 1.5, "offre limitee": 1.5, "24h": 1, "rapide": 1,
})
NEGATORS = frozenset("no not nothing never t isn pas rien aucun aucune sans jamais ni".split())
NEGATION_WINDOW = 3

# Evidence the lead can wait: explicit "no rush" and distant time frames.
CALM_TERMS = Terms({
    "no rush": 3, "no hurry": 3, "not in a hurry": 3, "whenever": 2, "when convenient": 2,
    "flexible": 1.5, "next summer": 2, "in the fall": 2, "in the spring": 2, "next month": 1.5,
    "next year": 2, "sometime": 1, "take your time": 3,
    "pas presse": 3, "pas pressee": 3, "pas de presse": 3, "aucune presse": 3, "pas pressant": 3,
    "no urgency": 3, "not a priority": 2, "n'importe quand": 2,
    "mois prochain": 1.5, "printemps prochain": 2, "cet automne": 1.5, "fin de l'automne": 2,
    "l'ete prochain": 2, "annee prochaine": 2, "prenez votre temps": 3,
})

# Near-term time frames: lift an otherwise Low lead to Medium.
SOON_TERMS = Terms({
    "this week": 1, "next week": 1, "tomorrow": 1.5, "soon": 1, "this weekend": 1,
    "cette semaine": 1, "semaine prochaine": 1, "prochaine semaine": 1, "demain": 1.5,
    "bientot": 1, "deux prochaines semaines": 1,
})

# ALL-CAPS words that are acronyms, not shouting.
ACRONYMS = frozenset("RBQ CCQ SEO AMF PME CV OK CEO TPS TVQ HVAC USA GST QST ASAP".split())

# --------------------------------------------------------------------------- tone
TONE_TERMS: dict[str, Terms] = {
    "Frustrated": Terms({
        "unacceptable": 3, "disappointed": 2.5, "still waiting": 2.5, "third time": 2.5,
        "frustrat*": 3, "ridiculous": 3, "hasn't returned": 2, "no response": 2, "refund": 1.5,
        "complaint": 1.5, "still haven't": 2.5, "nobody": 2, "no one has": 2.5,
        "unprofessional": 2.5, "what are you going to do": 2,
        "inacceptable": 3, "decu": 2.5, "decue": 2.5, "toujours pas": 2.5, "troisieme fois": 2.5,
        "remboursement": 1.5, "plainte": 1.5, "encore": 0.5, "personne ne m'a": 2.5,
    }),
    "Formal": Terms({
        "madame, monsieur": 3, "dear sir": 3, "to whom it may concern": 3, "sincerely": 2,
        "salutations distinguees": 3, "veuillez agreer": 3, "je vous prie": 2.5,
        "je me permets": 2, "je vous remercie a l'avance": 1.5, "veuillez": 1, "afin de": 1,
    }),
    "Friendly": Terms({
        "thank you so much": 2, "thanks so much": 2, "merci beaucoup": 1.5, "happy to": 1.5,
        "love": 1.5, "i'd love": 2, "we'd love": 2, "great": 1, "amazing": 1.5,
        "wonderful": 1.5, "awesome": 1.5, "salut": 2, "allo": 2, "hey": 1, "ravis": 1.5,
        "au plaisir": 0.5, "gros merci": 2, "ca vous tente": 1.5, "hi dear": 2,
        "bonjour cher": 2, "bonne annee": 1.5, "happy new year": 1.5, "felicitations": 1.5,
        "congrats": 1.5, "excellent service": 1, "would love": 2, "bravo": 1.5, "jaser": 1.5,
    }),
    "Professional": Terms({
        "hi": 0.5, "hello": 1, "good morning": 1.5, "could someone": 0.5, "could i": 1,
        "would you be open": 1, "good afternoon": 1.5, "bonjour": 1, "regards": 2,
        "cordialement": 2, "could you": 1, "would it be possible": 1.5, "pourriez-vous": 1,
        "serait-il possible": 1.5, "nous souhaitons": 1.5, "please": 0.5, "i would like": 1,
        "i'd like": 1, "j'aimerais": 1, "je souhaite": 1, "kindly": 1.5, "thank you for": 1,
        "i manage": 1, "je represente": 1.5, "nous sommes": 1, "we are": 1, "we're a": 1,
        "i run": 1, "i'm a": 1, "je suis": 0.5, "thanks in advance": 1, "merci": 0.5,
    }),
}
# An exclamation right after a greeting or thanks ("Hi!", "Merci!") reads as warm.
CHEERFUL_EXCLAMATION = r"\b(?:hi|hello|thanks|thank you|merci|bonjour|allô|allo|salut)\s*!"
EMOJI_AND_SMILEYS = ("😊", "🙂", "😀", "😃", "👍", "🙏", ":)", ":-)", ":d", ";)")

# --------------------------------------------------------------------------- summary topics
# (trade family, terms, English phrase, French phrase). The first topic with a matching term names
# the subject of the summary sentence, the client's own trade's topics first; order goes from
# specific trades to generic renovation.
TOPICS: tuple[tuple[str, Terms, str, str], ...] = (
    ("health", Terms({"dental": 1, "dentaire": 1, "dentist*": 1, "tooth": 1, "teeth": 1, "toothache": 1,
      "crown": 1, "dent": 1, "dents": 1, "plombage": 1, "hygieniste": 1, "patients": 1}),
     "dental care", "des soins dentaires"),
    ("plumbing", Terms({"plumb*": 1, "plomberie": 1, "plombier": 1, "pipe": 1, "leak": 1, "faucet": 1, "toilet": 1,
      "sewer": 1, "drain": 1, "water heater": 1, "fuite": 1, "robinet": 1, "toilette": 1,
      "evier": 1, "chauffe-eau": 1, "refoule": 1, "sink": 1}),
     "plumbing", "de la plomberie"),
    ("roofing", Terms({"roof*": 1, "shingle*": 1, "gutter*": 1, "toit*": 1, "bardeau*": 1, "gouttiere*": 1,
      "couvreur": 1}),
     "roofing work", "des travaux de toiture"),
    ("renovation", Terms({"bathroom": 1, "shower": 1, "salle de bain": 1, "douche": 1}),
     "a bathroom renovation", "une rénovation de salle de bain"),
    ("renovation", Terms({"kitchen": 1, "cuisine": 1}), "a kitchen renovation", "une rénovation de cuisine"),
    ("hvac", Terms({"furnace": 1, "heat pump": 1, "heating": 1, "thermopompe": 1, "fournaise": 1,
      "chauffage": 1, "refrigeration": 1}),
     "heating", "le chauffage"),
    ("electrical", Terms({"electric*": 1, "panel": 1, "electri*": 1}), "electrical work", "des travaux d'électricité"),
    ("renovation", Terms({"paint*": 1, "repaint": 1, "peintur*": 1}), "painting", "des travaux de peinture"),
    ("legal", Terms({"notar*": 1, "my will": 1, "deed": 1, "testament": 1, "acte": 1, "closing": 1,
      "mortgage": 1, "donation": 1}),
     "notarial services", "des services notariaux"),
    ("agency", Terms({"website": 1, "site web": 1, "social media": 1, "reseaux sociaux": 1, "marketing": 1}),
     "a website project", "un projet de site web"),
    ("real_estate", Terms({"listing*": 1, "sell*": 1, "buyer*": 1, "bedroom": 1, "real estate": 1, "vente": 1,
      "propriete": 1, "courtier": 1, "immobili*": 1, "condo": 1, "home buying": 1}),
     "a real estate transaction", "une transaction immobilière"),
    ("landscaping", Terms({"asphalt*": 1, "paving": 1, "deck": 1, "landscap*": 1, "pave*": 1, "paysag*": 1}),
     "outdoor work", "des travaux extérieurs"),
    ("renovation", Terms({"renovat*": 1, "basement": 1, "sous-sol": 1, "agrandissement": 1, "extension": 1,
      "renovation*": 1, "travaux": 1, "remodel*": 1}),
     "renovation work", "des travaux de rénovation"),
)

# --------------------------------------------------------------------------- trades
# The client's trade, read from its free-text industry_category (then primary_service) in English
# or French, case and accents ignored. The first family in this order with a matching term wins, so
# the specific trades come before the generic ones ("Entrepreneur couvreur" is roofing, "Agence
# immobilière" real estate). A category matching none is "other", read like no trade at all.
TRADE_FAMILIES: tuple[tuple[str, Terms], ...] = (
    ("roofing", Terms({"roof*": 1, "toit*": 1, "couvreur*": 1, "couverture*": 1, "bardeau*": 1,
                       "shingle*": 1, "gutter*": 1, "gouttiere*": 1})),
    ("plumbing", Terms({"plumb*": 1, "plomberie": 1, "plombier*": 1, "debouchage": 1})),
    ("electrical", Terms({"electri*": 1})),
    ("hvac", Terms({"hvac": 1, "cvac": 1, "cvca": 1, "heating": 1, "cooling": 1, "chauffage": 1,
                    "climatisation": 1, "air conditioning": 1, "ventilation": 1, "thermopompe*": 1,
                    "heat pump*": 1, "furnace*": 1, "fournaise*": 1, "refrigeration": 1, "geotherm*": 1})),
    ("health", Terms({"dent*": 1, "orthodont*": 1, "clinic*": 1, "clinique*": 1, "health": 1, "sante": 1,
                      "medic*": 1, "physio*": 1, "chiro*": 1, "optom*": 1, "hygien*": 1, "osteo*": 1})),
    ("real_estate", Terms({"real estate": 1, "realtor*": 1, "realty": 1, "immobili*": 1,
                           "property management": 1, "property manager*": 1, "gestion de proprietes": 1,
                           "gestionnaire de proprietes": 1})),
    ("legal", Terms({"notar*": 1, "notaire*": 1, "lawyer*": 1, "law firm": 1, "law office": 1, "legal": 1,
                     "avocat*": 1, "juridique*": 1, "attorney*": 1})),
    ("landscaping", Terms({"landscap*": 1, "paysag*": 1, "lawn*": 1, "pelouse*": 1, "gazon": 1,
                           "garden*": 1, "jardin*": 1, "deneigement": 1, "snow removal": 1, "irrigation": 1,
                           "emondage": 1, "arbor*": 1, "paving": 1, "pavage": 1})),
    ("cleaning", Terms({"clean*": 1, "nettoy*": 1, "menage": 1, "menager*": 1, "janitor*": 1,
                        "conciergerie": 1, "housekeeping": 1, "maid*": 1})),
    ("agency", Terms({"marketing": 1, "agency": 1, "agence": 1, "advertising": 1, "publicite": 1,
                      "web": 1, "seo": 1, "communication*": 1, "digital": 1, "numerique": 1})),
    ("renovation", Terms({"renov*": 1, "remodel*": 1, "contractor*": 1, "entrepreneur*": 1,
                          "construction*": 1, "handyman": 1, "homme a tout faire": 1, "carpent*": 1,
                          "menuis*": 1, "charpent*": 1, "builder*": 1, "general contracting": 1})),
)

# Words whose subject depends on the trade. A phrase pair is (English, French); a reading is
# (service pair, problem pair or None): "requests a quote for <service>", "reports <problem>".
LEAK_TERMS = Terms({"leak*": 1, "fuite*": 1, "water damage": 1, "degat d'eau": 1, "degats d'eau": 1,
                    "degat des eaux": 1, "degats des eaux": 1, "infiltration*": 1, "drip*": 1,
                    "degoutt*": 1, "water pouring": 1, "water is pouring": 1, "pouring through": 1,
                    "water coming": 1, "water is coming": 1, "l'eau coule": 1, "eau qui coule": 1})
ROOF_LEAK = (("a roof repair (leak)", "une réparation de toiture (fuite)"),
             ("a roof leak (roof repair)", "une fuite dans la toiture (réparation de toiture)"))
PLUMBING_LEAK = (("a plumbing repair (leak)", "une réparation de plomberie (fuite)"),
                 ("a plumbing leak (plumbing repair)", "une fuite de plomberie (réparation de plomberie)"))
HVAC_LEAK = (("an HVAC repair (leak)", "une réparation de chauffage-climatisation (fuite)"),
             ("an HVAC leak (HVAC repair)", "une fuite du système de chauffage-climatisation"))
WATER_DAMAGE = (("water damage repairs (leak)", "des réparations de dégât d'eau (fuite)"),
                ("water damage (leak)", "un dégât d'eau (fuite)"))
# A leak the message places itself ("the roof is leaking", "fuite sous l'évier") is read there
# whatever the trade: a roof before pipes. Otherwise the trade's reading; with neither, the topics.
LEAK_PLACES: tuple[tuple[Terms, tuple], ...] = (
    (Terms({"roof*": 1, "toit*": 1, "bardeau*": 1, "shingle*": 1, "gutter*": 1, "gouttiere*": 1}), ROOF_LEAK),
    (Terms({"pipe*": 1, "plumb*": 1, "plomberie": 1, "sink": 1, "faucet*": 1, "tap": 1, "toilet*": 1,
            "water heater": 1, "tuyau*": 1, "evier": 1, "lavabo": 1, "robinet*": 1, "chauffe-eau": 1,
            "drain*": 1, "renvoi": 1}), PLUMBING_LEAK),
)
LEAK_BY_TRADE = {"roofing": ROOF_LEAK, "plumbing": PLUMBING_LEAK, "hvac": HVAC_LEAK,
                 "real_estate": WATER_DAMAGE, "renovation": WATER_DAMAGE, "cleaning": WATER_DAMAGE,
                 "legal": WATER_DAMAGE}
# The other words read in the trade, checked after a leak; a trade without a reading falls through
# to the topics below (a cleaning at the dentist's is a dental cleaning, at a plumber's nothing).
TRADE_READINGS: tuple[tuple[Terms, dict[str, tuple]], ...] = (
    (Terms({"clean*": 1, "nettoy*": 1, "menage": 1, "detartrage": 1}), {
        "health": (("a dental cleaning", "un nettoyage dentaire"), None),
        "hvac": (("duct cleaning", "un nettoyage de conduits"), None),
        "cleaning": (("cleaning services", "des services de nettoyage"), None)}),
    (Terms({"estimate*": 1, "evaluat*": 1, "evaluer": 1, "valuation": 1, "apprais*": 1, "worth": 1,
            "valeur": 1}), {
        "real_estate": (("a property valuation", "une évaluation de propriété"), None)}),
)

# --------------------------------------------------------------------------- model features
# Bilingual word groups read by the learned model (features.py): a message with "fuite", "leak" or
# "dégoutte" shows the same "water" concept, so what the model learns from English messages also
# applies to French ones. Words are normalised like message tokens; a trailing "*" is a prefix.
CONCEPTS: dict[str, str] = {
    "price": "price prices pricing cost costs costing charge charges rate rates quote quotes quotation estimate "
             "estimates estimated ballpark budget fee fees prix cout* combien cb cmb tarif* soumission* devis "
             "estim* frais chargez chargeriez demandez coute coutera reviendrait",
    "come": "come coming swing stop drop visit send sending venir venez passer passe envoyer envoyez visite visiter",
    "book": "book booking booked appointment appointments appt schedule reschedule slot opening openings "
            "availability available rendez rdv reserver reservation booker dispo disponib* horaire plage place",
    "move_booking": "cancel cancelled move push postpone annuler annule deplacer reporter remettre",
    "water": "leak* drip* water flood* wet soaked puddle pouring fuite* coule* couler eau inond* degoutt* "
             "mouill* flaque degat*",
    "broken": "broken broke stopped quit dead died crashed cracked stuck jammed brise* pete petee fendu fissur* "
              "craqu* bloque* coince*",
    "not_work": "working works work fonctionne marche chauffe demarre ferme",
    "did_work": "installed install installation put replaced fixed repaired built redid did done painted serviced "
                "fitted poured laid finished install* pose posee posees poses change changee repare reparee "
                "refait refaite construit fait faite termine",
    "staff": "guy guys crew team tech techs technician installer installers worker workers employee employees "
             "receptionist gars equipe technicien techniciens employe employes ouvrier ouvriers installateur "
             "receptionniste",
    "billing": "invoice invoices bill billed billing charged receipt payment paid deposit refund refunded "
               "statement factur* recu paiement paye depot rembours* charge prelev*",
    "warranty": "warranty guarantee guaranteed garantie",
    "again": "still again already third 3rd second twice encore toujours deja troisieme 3e deuxieme",
    "waiting": "waiting wait waited nobody noone never hasnt havent attend* attente personne jamais",
    "thanks": "thanks thank thx ty grateful appreciate appreciated merci remerci* reconnaissant* apprecie",
    "praise": "great amazing awesome wonderful excellent best beautiful bravo kudos lovely fantastic perfect "
              "super genial magnifique beau belle incroyable parfait adore loved love",
    "anger": "ridiculous unacceptable joke furious disappointed disappointing worst terrible awful unbelievable "
             "angry upset ridicule inacceptable farce fache fachee decu decue decevant pire honte tanne ecoeure",
    "ask_open": "hours open closed holiday holidays heures ouvert ouverts ouverte fermes conge",
    "ask_area": "serve service area cover region desservez desserv* couvrez secteur",
    "ask_accept": "accept accepting insurance insured licensed certified bonded parking accessible acceptez "
                  "accept* assurance assure licence certifie stationnement",
    "job": "job jobs hiring hire hired position positions resume cv apply applying application applied "
           "experience internship intern apprentice apprenticeship career emploi emplois travail ouvrage "
           "embauch* engag* poste postes candidature postul* stage stagiaire apprenti carriere",
    "partner": "partner partners partnership partnering collaborat* refer referral referrals referring sponsor "
               "sponsors sponsorship subcontract* supplier booth exhibitor exhibit partenai* partenari* collabor* "
               "referer reference referencement commandit* sous fournisseur kiosque exposant exposer entente",
    "pitch": "seo google ranking rank ranked leads traffic website websites marketing ads reviews followers audit "
             "agency visibility visibilite publicite abonnes agence",
    "money": "bitcoin crypto* invest* loan loans funding cash earn profit win winner won prize lottery pret "
             "prets financement gagn* tirage loterie",
    "phish": "verify verification suspended suspend expire expires expired expiring account password login "
             "confirm click link verifi* suspendu suspension expir* compte cliquez lien confirmez",
    "urgent": "today now asap tonight urgent urgently emergency immediately quickly fast aujourd aujourdhui "
              "maintenant soir urgent* urgence vite rapidement",
    "pain": "pain painful hurt hurts hurting ache aching swollen swelling bleeding bleed mal douleur douleurs "
            "enfl* saign* elanc*",
    "calm": "rush hurry whenever sometime flexible spring fall autumn presse pressee pressant printemps automne",
    "wrong": "wrong mistake mistaken ignore disregard nevermind nvm oops trompe trompee erreur ignorer ignorez "
             "oubliez oups",
    "unsub": "unsubscribe remove removed stop list mailing newsletter desabonn* retirer retirez enlever enlevez "
             "arretez liste infolettre",
    "call": "call calling called phone number text callback appel* rappel* numero texto telephone cell",
    "question_word": "how what when where which why who whats comment quand quel quelle quels quelles pourquoi qui",
    "you": "you your youre u ur vous votre vos",
    "we": "we our us nous notre nos",
    "i": "i my me mine im je j moi mon ma mes",
    "problem": "problem problems issue issues trouble defect noise noisy smell smells stain mold crack probleme "
               "problemes souci bruit odeur tache moisissure",
}

# Sentence shapes the model reads as one feature each (regular expressions over the normalised
# tokens joined by spaces): who did what to whom, and what kind of ask it is.
CUE_PATTERNS: dict[str, tuple[str, ...]] = {
    "past_work": (
        r"\byou (guys |all )?(just |already )?(installed|put|did|built|replaced|fixed|repaired|cleaned|painted|"
        r"sent|made|quoted|charged|billed|told|promised|said|redid|serviced|fitted|poured|moved|delivered|"
        r"finished|laid|planted|cut|gave|prepared|filed|came)\b",
        r"\byour (guy|guys|crew|team|tech|techs|technician|installer|installers|man|men|worker|workers|employee|"
        r"employees|receptionist|plumber|electrician|movers|cleaner|cleaners|lady|girls|staff|office|rep|driver|"
        r"painter|roofer|lawyer|notary|accountant|dentist|hygienist|website|invoice|bill|quote|estimate|app|"
        r"portal|system)\b",
        r"\b(since|after) (your|the) (visit|repair|repairs|install|installation|work|job|cleaning|service|reno|"
        r"renovation|treatment|appointment|move|inspection)\b",
        r"\bthe \w+( \w+)? (you|u) (installed|put in|replaced|fixed|built|made|sold|repaired|did)\b",
        r"\b(que|qu) vous (m )?avez\b",
        r"\bvous (m )?avez (installe|pose|fait|change|repare|refait|construit|facture|charge|promis|dit|envoye|"
        r"vendu|livre|coupe|nettoye)\w*\b",
        r"\b(votre|vos) (technicien|techniciens|gars|employe|employes|equipe|installateur|installateurs|passage|"
        r"intervention|reparation|soumission|facture|service|ouvrier|ouvriers|plombier|electricien|couvreur|"
        r"demenageurs|peintre|receptionniste|site|application|portail|avocate?|notaire|comptable|dentiste|"
        r"courtier)\b",
        r"\bdepuis (votre|la|l) (passage|intervention|reparation|installation|visite|travaux|entretien)\b",
        r"\b(installee?s?|posee?s?|changee?s?|reparee?s?|refaite?s?|faite?s?) (par vous|la semaine|le mois|l an|"
        r"l annee|l ete|l automne|l hiver|au printemps|en (janvier|fevrier|mars|avril|mai|juin|juillet|aout|"
        r"septembre|octobre|novembre|decembre))\b",
        r"\b(installed|done|put in|replaced|built|fixed|painted|finished) (last|this past) (week|month|year|fall|"
        r"spring|summer|winter|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        r"\b(my|our|the) (invoice|bill|deposit|refund|warranty|contract|receipt|file|account|claim|order|booking|"
        r"reservation)\b",
        r"\b(ma|mon|notre|la|le) (facture|depot|remboursement|garantie|contrat|recu|dossier|compte|reclamation|"
        r"commande|reservation)\b",
    ),
    "problem": (
        r"\b(not|isn t|isnt|doesn t|doesnt|won t|wont|stopped|quit|dead|broken|broke|leak\w*|drip\w*|clogged|"
        r"flood\w*|burst|cracked|stuck|smell\w*|noise|noisy|banging|clicking|tripping|trips|flicker\w*|"
        r"overflow\w*|backing up|backs up|cold|frozen|no heat|no power|no water|warm to the touch)\b",
        r"\b(ne|n) (\w+ )?(fonctionne|marche|chauffe|part|ferme|demarre|refroidit)\w* (plus|pas|pu)\b",
        r"\b(pu|plus) (de|d) (chauffage|eau|courant|electricite)\b",
        r"\b(fuite|coule|couler|degoutte|bouche\w*|refoule\w*|inonde\w*|brise\w*|fissure\w*|craque\w*|gele\w*|"
        r"odeur|bruit|gondole|moisissure|eclate|pete|saute|gresille)\b",
    ),
    "come": (
        r"\b(can|could|would) (you|someone|somebody|anyone|a tech|a plumber|an electrician|one of your \w+) "
        r"(come|send|swing|stop|pass|drop|look|check|take a look|fix)\b",
        r"\b(send|get) (someone|somebody|a tech\w*|a guy|a plumber|an electrician)\b",
        r"\bwhen can (you|u|someone)\b",
        r"\b(pouvez|pourriez|peux|pourrais|pourrait|peut)( vous| tu)? (venir|passer|envoyer|m envoyer|regarder|"
        r"verifier|reparer)\b",
        r"\b(venir|passer) (voir|verifier|regarder|evaluer|inspecter)\b",
        r"\b(quelqu un|un technicien|un plombier|un electricien) (peut|pourrait|pour) (venir|passer)\b",
        r"\b(dispo|disponible|disponibilites|availability|available|opening|openings|a spot|de la place)\b",
    ),
    "gratitude": (
        r"\b(thank you|thanks|thank u|thx|merci|bravo|great job|nice job|well done|beau travail|belle job|"
        r"bonne job|kudos|appreciate|apprecie|grateful|reconnaissant\w*|recommend|recommander|5 star|five star)\b",
    ),
    "fyi": (
        r"\b(just wanted to|just letting you know|just so you know|fyi|heads up|for your information|pour info|"
        r"pour votre information|je voulais (juste )?vous (dire|informer)|je voulais juste|just a note|"
        r"juste pour vous dire)\b",
    ),
    "ask_business": (
        r"^(do|does|are|is|can|will) (you|u|your|ya|yall|y all)\b",
        r"\b(do|does|are|is) (you|u|your) (guys )?(do|offer|have|accept|take|serve|sell|open|still|work|handle|"
        r"speak|carry|cover|come)\b",
        r"\b(est ce que vous|est ce qu on|vous faites|faites vous|acceptez vous|offrez vous|etes vous|avez vous|"
        r"prenez vous|travaillez vous|desservez vous|vous etes|vous offrez|vous acceptez|vous prenez)\b",
        r"\b(is it normal|is this normal|est ce normal|c est normal|est il normal)\b",
        r"\b(how long|combien de temps|what is the difference|c est quoi la difference|quelle est la difference)\b",
    ),
    "pitch": (
        r"\b(we help|we offer|we provide|we can help|we specialize|i can help|i help|our (agency|team|company|"
        r"software|platform|service|services|clients)|nous offrons|nous aidons|notre (agence|plateforme|logiciel|"
        r"equipe)|on aide)\b",
        r"\b(businesses like yours|entreprises comme la votre|local businesses|small businesses|pme)\b",
        r"\b(free|gratuit\w*) (audit|trial|report|demo|consultation|analysis|essai|rapport|analyse)\b",
        r"\b(reply|repondez) (yes|oui|start|report)\b",
        r"\b(whatsapp|telegram)\b",
    ),
}

# --------------------------------------------------------------------------- follow-ups
# A follow-up with one of these stands the request down (the need went away or is on hold): its
# urgency is Low and it is read on its own (context.py). Any other follow-up keeps the thread's
# urgency at least.
STAND_DOWN_TERMS = Terms({
    "fixed": 1, "resolved": 1, "all good": 1, "never mind": 1, "nevermind": 1, "nvm": 1, "no longer": 1,
    "don't need": 1, "dont need": 1, "no need": 1, "cancel*": 1, "sorted": 1, "solved": 1,
    "works now": 1, "working now": 1, "stopped leaking": 1, "went away": 1, "false alarm": 1,
    "think about it": 1, "get back to you": 1, "hold off": 1, "went with": 1,
    "regle": 1, "reglee": 1, "c'est beau": 1, "plus besoin": 1, "pas besoin": 1, "annul*": 1,
    "laissez faire": 1, "oubliez": 1, "fonctionne maintenant": 1, "marche maintenant": 1,
    "c'est correct": 1, "fausse alerte": 1, "arrete de couler": 1, "y penser": 1, "on vous revient": 1,
    "je vous reviens": 1, "autre entrepreneur": 1, "plus tard": 1,
})
