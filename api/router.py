"""The one router both api.reads and api.writes add their operations to: ninja routes a path
once per router, so a read and a write of the same path (GET and POST of a motion's arguments)
must share it."""

from ninja import Router

router = Router()
