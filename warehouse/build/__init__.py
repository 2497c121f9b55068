"""The build stage: dbt (staging, intermediate, marts and their tests) run into a build file."""
