"""The desk's services: everything the GUI calls, with no Qt (see ``notes/services_api.md``).

How the composition root wires them (once, in this order)::

    http = api_client.new_http_client()                  # the ONE shared AsyncClient
    api = ApiClient(server_url, http)
    cache = await LocalCache.open_async(cache_dir)       # check/repair + migrate
    credentials = CredentialStore()
    session = SessionService(api, credentials, cache)
    knowledge = KnowledgeService(cache, api=api)
    reference = ReferenceService(cache, api)
    calls = CallService(cache, api)
    seat = SeatService(api, seat_label="A-12")
    tickets = TicketService(cache, knowledge, reference)
    engine = SyncEngine(api, cache, knowledge, seat)
    tickets.add_listener(lambda saved: engine.notify_saved())   # a save wakes the flusher
    expert, board = ExpertService(api), LeadBoardService(api)

    await reference.load(); await knowledge.ensure_ready()
    if await session.resume() or await session.login(url, user, password):
        await reference.refresh_centre()
        engine.start()        # flusher, pulls, heartbeats; status via engine.add_listener
    ...
    await engine.stop()       # at quit: saves already submitted still complete
    await knowledge.close()   # saves the search index if pulls changed it
    await http.aclose(); cache.close()

Every coroutine runs on the (qasync) event loop; network through ``http``, SQLite on the
cache worker thread, keyring calls in a thread. Errors are ``core.errors.HotlineError``
subclasses whose ``message_zh`` the GUI shows. Observable state: ``add_listener(cb)``
returns a function that removes ``cb``; callbacks run on the event loop thread.
"""
