"""The floor: a bare FastAPI endpoint, run under uvicorn with the same number
of workers as `nhskg serve`, so a throughput figure is a ratio to what this
machine's HTTP stack can do at that moment. A plain `def` like the API's
routes (FastAPI runs both in its thread pool), returning a small JSON map."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/floor")
def floor() -> dict[str, str]:
    return {"status": "ok"}
