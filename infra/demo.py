"""`make run` demo data: about 40 bilingual leads of a Québec roofer over the last four weeks, posted
through the real intake, tagged through the real tagging (conversions with values, a revert), moved
back in time so the dashboard's charts have weeks of history, and the nightly intelligence run."""
import datetime
import uuid
from dataclasses import dataclass

from shared.clients import accounts
from shared.growth import intelligence
from shared.leads import intake, tagging
from shared.platform import db, sql

Q = sql.load(__file__)

# Addresses at example.org / example.net (reserved, RFC 2606): no reply ever reaches a real person.
# (name, email, language, days ago, hour UTC, message, later steps: (days after, step, argument))
DEMO_LEADS = [
    ("Marie Tremblay", "marie.tremblay@example.org", "fr", 27, 13,
     "Bonjour, je voudrais une soumission pour refaire la toiture de mon bungalow à Laval, environ 1200 pi².",
     [(2, "tag", ("Converted", 14500))]),
    ("Olivia Park", "olivia@parkhomes.example.net", "en", 27, 17,
     "Hi, can you quote a new asphalt shingle roof for a two-storey house in Pointe-Claire?",
     [(5, "tag", ("Follow-Up", None))]),
    ("Jean-François Gagnon", "jf.gagnon@example.org", "fr", 26, 14,
     "Est-ce que vous faites le déneigement de toitures commerciales? Nous avons un entrepôt à Saint-Laurent.",
     [(1, "tag", ("Archived", None))]),
    ("Daniel Roy", "daniel.roy@example.net", "en", 25, 12,
     "Water is dripping from the ceiling in our kitchen after the storm. We need someone today please!",
     [(0.2, "tag", ("Converted", 2800))]),
    ("Sophie Bouchard", "sophie.bouchard@example.org", "fr", 24, 15,
     "J'aimerais prendre rendez-vous pour une inspection de toiture avant l'achat d'une maison à Longueuil.",
     [(1, "tag", ("Converted", 450))]),
    ("Ahmed Benali", "ahmed.benali@example.net", "fr", 24, 19,
     "Bonjour, avez-vous des postes de couvreur disponibles? J'ai cinq ans d'expérience.",
     [(2, "tag", ("Archived", None))]),
    ("Emily Chen", "emily.chen@example.org", "en", 23, 13,
     "What warranty do you offer on metal roofs? Just gathering information for next spring.", []),
    ("Luc Pelletier", "luc.pelletier@example.net", "fr", 22, 16,
     "Ça fait trois fois que j'appelle et personne ne me rappelle. Mon toit coule encore!",
     [(0.5, "message", "Toujours aucune nouvelle. L'eau entre dans la chambre, c'est urgent."),
      (1, "tag", ("Converted", 3900))]),
    ("Karen Mitchell", "karen.mitchell@example.org", "en", 21, 14,
     "Could you send me a quote for replacing the flat roof on our duplex in Verdun?",
     [(6, "tag", ("Follow-Up", None))]),
    ("Nathalie Côté", "nathalie.cote@example.net", "fr", 20, 13,
     "Nous cherchons un partenaire pour nos projets de construction résidentielle à Terrebonne.", []),
    ("Robert Lavoie", "robert.lavoie@example.org", "fr", 19, 18,
     "Une tempête a arraché des bardeaux, il y a une infiltration d'eau au grenier. Pouvez-vous venir vite?",
     [(0.3, "tag", ("Converted", 1750))]),
    ("James O'Connor", "james.oconnor@example.net", "en", 18, 15,
     "Hello, I would like to book an appointment to get the gutters and the roof checked.",
     [(2, "tag", ("Converted", 600)), (6, "revert", "The customer cancelled: he sold the house.")]),
    ("Isabelle Morin", "isabelle.morin@example.org", "fr", 17, 14,
     "Pouvez-vous me donner un prix pour une toiture en tôle sur un chalet dans les Laurentides?", []),
    ("Michael Brown", "michael.brown@example.net", "en", 16, 20,
     "Best prices on SEO services!!! Rank #1 on Google today, click here.",
     [(0.1, "tag", ("Archived", None))]),
    ("Catherine Fortin", "catherine.fortin@example.org", "fr", 15, 12,
     "Bonjour, quelles sont vos disponibilités pour remplacer le revêtement de toiture en juin?",
     [(4, "tag", ("Follow-Up", None))]),
    ("David Wilson", "david.wilson@example.net", "en", 14, 16,
     "Our store's roof has a big leak above the cash registers. This is an emergency.",
     [(0.2, "tag", ("Converted", 8200))]),
    ("Geneviève Caron", "genevieve.caron@example.org", "fr", 13, 13,
     "Je voudrais une estimation pour l'isolation de l'entretoit et la ventilation.", []),
    ("Priya Sharma", "priya.sharma@example.net", "en", 12, 17,
     "Do you install skylights? I'd like a quote for two of them in our living room.",
     [(3, "tag", ("Follow-Up", None))]),
    ("Alexandre Girard", "alexandre.girard@example.org", "fr", 11, 14,
     "Mon voisin m'a recommandé vos services. Pourriez-vous passer évaluer ma toiture cette semaine?", []),
    ("Sarah Thompson", "sarah.thompson@example.net", "en", 10, 15,
     "I'm very frustrated: the roofer we hired last year did a terrible job and now it leaks again.",
     [(1, "tag", ("Converted", 5200))]),
    ("François Bélanger", "francois.belanger@example.org", "fr", 9, 13,
     "Bonjour, je veux un devis pour la réfection complète d'un toit plat de 3000 pi² à Québec.", []),
    ("Linda Martin", "linda.martin@example.net", "en", 9, 18,
     "Hi! Just wondering if you work in Gatineau and how far ahead you book.", []),
    ("Marc-André Ouellet", "marcandre.ouellet@example.org", "fr", 8, 12,
     "Il y a de l'eau qui coule le long du mur depuis hier soir. Besoin d'aide immédiatement.", []),
    ("Chris Evans", "chris.evans@example.net", "en", 8, 16,
     "Can I schedule a visit next Tuesday for an estimate on the garage roof?",
     [(2, "tag", ("Converted", 1300))]),
    ("Julie Lapointe", "julie.lapointe@example.org", "fr", 7, 14,
     "Je souhaite obtenir une soumission pour changer les bardeaux et les solins de ma maison.", []),
    ("Kevin Nguyen", "kevin.nguyen@example.net", "en", 7, 19,
     "Our condo association needs quotes for a full roof replacement on a 24-unit building.", []),
    ("Stéphanie Dubois", "stephanie.dubois@example.org", "fr", 6, 13,
     "URGENT : une partie du toit s'est effondrée sous la neige. Personne n'est blessé mais il faut agir.",
     [(0.1, "tag", ("Follow-Up", None))]),
    ("Ryan Campbell", "ryan.campbell@example.net", "en", 6, 15,
     "Water is pouring into the basement through the roof drain, please call me as soon as possible.", []),
    ("Annie Leblanc", "annie.leblanc@example.org", "fr", 5, 12,
     "Bonjour, offrez-vous le financement pour une nouvelle toiture?", []),
    ("Thomas Wright", "thomas.wright@example.net", "en", 5, 17,
     "Looking for a quote to replace cedar shakes with asphalt shingles, bungalow in Beaconsfield.", []),
    ("Mélanie Poirier", "melanie.poirier@example.org", "fr", 4, 14,
     "Je suis déçue : votre équipe devait venir lundi et personne ne s'est présenté.", []),
    ("Andrew Scott", "andrew.scott@example.net", "en", 4, 20,
     "Emergency: tree fell on the roof during the night, there is a hole and rain is coming in!", []),
    ("Valérie Simard", "valerie.simard@example.org", "fr", 3, 13,
     "Pouvez-vous me rappeler pour fixer un rendez-vous d'inspection? Merci.", []),
    ("Jessica Taylor", "jessica.taylor@example.net", "en", 3, 16,
     "Hi there, what would a full roof replacement cost for a 1,500 sq ft house?", []),
    ("Patrick Bergeron", "patrick.bergeron@example.org", "fr", 2, 12,
     "Infiltration d'eau majeure au plafond du salon, c'est une urgence, appelez-moi.", []),
    ("Megan Clark", "megan.clark@example.net", "en", 2, 18,
     "Do you do free estimates? We'd like to redo the roof before selling in the fall.", []),
    ("Sylvie Gauthier", "sylvie.gauthier@example.org", "fr", 1, 14,
     "Bonjour, j'aimerais une soumission pour une toiture verte sur notre immeuble de bureaux.", []),
    ("Brandon Lee", "brandon.lee@example.net", "en", 1, 17,
     "Leak above the bathroom again. Third time this month. I need this fixed right away.", []),
    ("Claude Paquette", "claude.paquette@example.org", "fr", 0, 3,
     "Bonjour, je voudrais prendre rendez-vous pour une estimation la semaine prochaine.", []),
    ("Heather King", "heather.king@example.net", "en", 0, 4,
     "Quick question: do you also repair chimney flashing? Just need a rough price.", []),
]


@dataclass
class Step:
    """One thing that happens to a demo lead at a planned time: a message, a tag or a revert."""

    at: datetime.datetime
    kind: str  # "message", "tag", "revert"
    argument: object


def plan(now: datetime.datetime) -> list[tuple[str, str, str, list[Step]]]:
    """Each demo lead with its steps at absolute times, all before `now`. Before a lead's hour has
    come today (just after midnight UTC), every lead moves back by the same amount, so the leads
    keep their order at any time of day."""
    firsts = [(now - datetime.timedelta(days=days_ago)).replace(hour=hour, minute=(len(name) * 7) % 60,
                                                              second=0, microsecond=0)
              for name, _, _, days_ago, hour, _, _ in DEMO_LEADS]
    shift = max(datetime.timedelta(0), max(firsts) - (now - datetime.timedelta(hours=1)))
    planned = []
    for (name, email, language, _, _, message, later), first in zip(DEMO_LEADS, firsts, strict=True):
        first -= shift
        steps = [Step(first, "message", message)]
        steps += [Step(min(first + datetime.timedelta(days=after), now - datetime.timedelta(minutes=30 - i)),
                       kind, argument) for i, (after, kind, argument) in enumerate(later)]
        planned.append((name, email, language, steps))
    return planned


def seed(client_id: uuid.UUID, api_key: str) -> int:
    """Fill the demo client's dashboard; returns the number of leads written (0 when it already has
    leads: `make run` never adds them twice). Each round performs every lead's next step now, then
    moves all of that lead's rows back so that the step lands at its planned time."""
    if db.admin_read(Q.count_leads, client_id=client_id)[0]["leads"]:
        return 0
    client = accounts.authenticate(api_key)
    if client is None or client.client_id != uuid.UUID(str(client_id)):
        raise ValueError("The demo client's API key does not authenticate that client.")
    planned = plan(datetime.datetime.now(datetime.UTC))
    lead_ids: dict[str, uuid.UUID] = {}
    for round_index in range(max(len(steps) for *_, steps in planned)):
        shifts = {}
        for name, email, language, steps in planned:
            if round_index < len(steps):
                step = steps[round_index]
                lead_ids[email] = _perform(client, name, email, language, step, lead_ids.get(email))
                last = round_index + 1 == len(steps)
                following = datetime.datetime.now(datetime.UTC) if last else steps[round_index + 1].at
                shifts[lead_ids[email]] = following - step.at
        _shift(client_id, shifts)
    intelligence.run_daily(intelligence.today(), client_id=uuid.UUID(str(client_id)))
    return len(lead_ids)


def _perform(client: accounts.Client, name: str, email: str, language: str, step: Step,
             lead_id: uuid.UUID | None) -> uuid.UUID:
    if step.kind == "message":
        request = intake.LeadRequest(name=name, email=email, message=step.argument, language=language)
        return uuid.UUID(str(intake.intake(client, request).body["lead_id"]))
    if step.kind == "tag":
        tag, value = step.argument
        tagging.tag_lead(client, str(lead_id), tag, conversion_value=value)
    else:
        tagging.revert_lead(client, str(lead_id), step.argument)
    return lead_id


def _shift(client_id: uuid.UUID, shifts: dict[uuid.UUID, datetime.timedelta]) -> None:
    with db.admin_transaction() as conn:
        db.query(conn, Q.shift_leads, client_id=client_id, lead_ids=[str(lead_id) for lead_id in shifts],
                 seconds=[delta.total_seconds() for delta in shifts.values()])
