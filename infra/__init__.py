"""Infrastructure beside the models: configuration, database engines, storage, mail, tasks, metrics, i18n."""
