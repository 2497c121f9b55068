"""Development tools. Nothing at run time imports this package."""
