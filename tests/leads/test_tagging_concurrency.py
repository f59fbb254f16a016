"""Concurrent tag and revert calls on one lead are serialised: the action log, replayed in
timestamp order, is exactly the story of the lead's state."""
import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest

pytestmark = pytest.mark.pooled

# One burst: every tag, Converted twice, and reverts racing them, in a mixed order.
BURST = ["Follow-Up", "Converted", "revert", "Archived", "Active", "Deleted", "Converted", "revert"] * 4


def fire(api, client, lead_id, calls: list[str]) -> list[tuple[str, object]]:
    """All calls at once (released together by a barrier), each from its own thread."""
    barrier = threading.Barrier(len(calls))

    def call(what):
        barrier.wait()
        if what == "revert":
            return what, api.post(f"/api/leads/{lead_id}/revert", {"reason": "Raced a conversion"},
                                  key=client.api_key)
        return what, api.post(f"/api/leads/{lead_id}/tag", {"tag": what, "conversion_value": 800},
                              key=client.api_key)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(call, calls))


def test_a_burst_of_concurrent_tags_and_reverts_leaves_a_log_that_replays_to_the_lead(
        api, client, make_lead, ledger):
    lead = make_lead(client.client_id, name="Noah Lefebvre", age_days=3)
    results = fire(api, client, lead.id, BURST) + fire(api, client, lead.id, list(reversed(BURST)))

    assert len(results) == 2 * len(BURST) >= 20
    assert {r.status for _, r in results} <= {200, 409}, [r.json for _, r in results if r.status not in (200, 409)]
    by_action = {r.json["action_id"]: (what, r.json) for what, r in results
                 if r.status == 200 and r.json["action_id"] is not None}
    assert all(r.json["changed"] is False for what, r in results
               if r.status == 200 and what != "revert" and r.json["action_id"] is None)

    log = ledger.actions(lead.id)
    assert log[0]["action_type"] == "insert"
    changes = log[1:]
    assert changes, "at least one call must have changed the lead"
    # one logged action per answered change, and nothing else
    assert {str(a["id"]) for a in changes} == set(by_action)
    timestamps = [a["timestamp"] for a in log]
    assert all(earlier < later for earlier, later in pairwise(timestamps))
    for before, action in pairwise(log):
        what, answer = by_action[str(action["id"])]
        assert action["tag"] != before["tag"], "a logged change changed nothing"
        assert (answer["previous_tag"], answer["current_tag"]) == (before["tag"], action["tag"])
        if before["tag"] == "Converted":
            assert (what, action["action_type"]) == ("revert", "revert")
        assert action["conversion_outcome"] is (action["tag"] == "Converted")

    state = ledger.lead(lead.id)
    assert state["current_tag"] == log[-1]["tag"]
    assert (state["archived"], state["deleted"]) == (log[-1]["tag"] == "Archived", log[-1]["tag"] == "Deleted")
    assert state["last_updated"] == log[-1]["timestamp"]
    [dashboard] = ledger.dashboard(client.client_id, lead.id)
    assert dashboard["tag"] == dashboard["current_tag"] == state["current_tag"]

    positions = {str(a["id"]): i for i, a in enumerate(log)}
    conversions = ledger.growth(lead.id, "conversion")
    converted_actions = [a for a in log if a["conversion_outcome"]]
    assert len(conversions) == len(converted_actions)
    assert [c["created_at"] for c in conversions] == [a["timestamp"] for a in converted_actions]
    # each conversion counted exactly the actions committed before it, under the same lock
    assert [c["learning_snapshot"]["touch_points"] for c in conversions] == [
        positions[str(a["id"])] for a in converted_actions]
    assert len(ledger.growth(lead.id, "reversion")) == sum(a["action_type"] == "revert" for a in log)
