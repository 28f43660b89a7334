"""The use cases a front-end calls on an open database, grouped by area.

`services.application.Application` holds one object per area (`app.cases`,
`app.mediation`, `app.admin`, `app.audit`, `app.conflicts`, `app.reports`,
`app.exchange`), as Anki's collection holds its schedulers and managers. Each method is one unit of
work: it opens the transaction, calls the service functions (which ask the
access policy first) and returns plain data: frozen rows and details, never an
ORM object or a session. The desktop client calls them on its worker thread
(`ui.common.worker.DbWorker.call`), the command line through `ctx.app`.
"""
