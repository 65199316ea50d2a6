"""Care pages, one module per subject; thin views over ``services``, 404 outside the scope, lists paged by key."""
