"""``python -m carenet_graph`` runs the ``carenet`` command line."""

from carenet_graph.cli import main

if __name__ == "__main__":
    main()
