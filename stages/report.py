"""DVC stage `report`: every stage's metrics -> metrics/metrics.json (key figures, nested by stage).

Its own stage, so the expensive evaluate stage depends only on the models and data it scores,
not on timing fields in other stages' metrics.
"""

from kun.core.errors import exit_on_user_error
from kun.core.metrics import write_json
from kun.evaluation.report import collect, nest

if __name__ == "__main__":
    with exit_on_user_error():
        write_json("metrics/metrics.json", nest(collect("metrics")))
