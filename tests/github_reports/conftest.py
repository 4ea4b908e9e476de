from tests.github_fake.fixtures import fake, gh, sleeps

__all__ = ["fake", "gh", "sleeps"]
