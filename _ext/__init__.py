"""The book's own Sphinx extensions, registered in ``_config.yml`` as ``_ext.<name>`` with path ``.``,
so that the build has the repository root on ``sys.path`` and they can share ``tools.conventions``."""
