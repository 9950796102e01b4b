"""What a management token is and how it lives: inputs, diff, lifecycle, time, errors. Imports no Pulumi face."""
