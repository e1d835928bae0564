"""The chat page: `page` (layout and wiring), `handlers` (what its events call), `service` (rules, no Gradio), `render` (pure), `serve` (launch options)."""
