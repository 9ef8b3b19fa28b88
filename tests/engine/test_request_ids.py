"""RequestIds (engine/host/request_ids.py): the Stop bookkeeping EngineClient and RemoteClient share."""

from engine.host.request_ids import RequestIds


def test_named_and_everything_stops_and_forgetting_finished_requests():
    ids = RequestIds(keep_finished=2)
    a, b, c = ids.new(), ids.new(), ids.new()
    assert ids.stop(b) == b and ids.stopped(b) and not ids.stopped(a) and not ids.stopped(c)
    ids.finished(b)
    assert not ids.named                                  # its Stop is forgotten once it is over
    ids.finished(a)
    assert ids.stop(a) == a and not ids.named             # a late Stop of a finished request is not kept
    assert ids.stop() == c and ids.upto == c and all(ids.stopped(i) for i in (a, b, c))
    d = ids.new()
    assert not ids.stopped(d)                             # "everything asked so far", not what comes next
    ids.stop(d + 1)                                       # a request not asked yet...
    ids.new()
    ids.stop()                                            # ...covered by a Stop of everything: forgotten
    assert ids.named == set() and ids.stopped(d + 1)
