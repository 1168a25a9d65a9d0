from django.tasks import task

from analysis import services


@task
def analyse_motion(motion_id: int) -> None:
    """The background run queued by analysis.scheduling."""
    services.refresh(motion_id=motion_id)
