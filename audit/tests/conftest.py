from consultations.tests.factories import consult  # noqa: F401
from photos.tests.conftest import make_photo, photo_store  # noqa: F401
from sessions_app.tests.fixtures import treatment  # noqa: F401
