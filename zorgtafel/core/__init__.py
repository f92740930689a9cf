"""Small building blocks every domain uses: database, security headers, errors, i18n."""
