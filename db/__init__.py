"""Storage: models, migrations, shipped data and the services that read and write them."""
