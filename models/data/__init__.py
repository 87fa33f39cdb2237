"""The labeled posts Barometer's classifiers are trained and tested on."""
