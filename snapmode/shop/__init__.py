"""The demo shop: a small shop website over the Luma sample catalogue, shipped for demos and tests.

``catalog`` loads the shipped data, ``app.create_app`` builds the site, ``server`` runs it.
"""
