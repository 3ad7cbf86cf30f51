"""What every command shares: the config it was given and how errors are shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console

from littrack.config import Config, load_config, with_overrides

console = Console()
error_console = Console(stderr=True)


def console_error(message: str) -> None:
    error_console.print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)


@dataclass
class AppState:
    config_option: str | None = None
    warehouse_option: str | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        """Loaded on first use, so commands that need no config don't demand one."""
        if self._config is None:
            config = load_config(self.config_option)
            self._config = with_overrides(config, warehouse_path=self.warehouse_option)
        return self._config
