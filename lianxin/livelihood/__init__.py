"""Livelihood and development (抓发展): the landless-farmer register, income, jobs, trainings, village development."""
