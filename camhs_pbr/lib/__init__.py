"""Pure helpers shared by the apps."""
