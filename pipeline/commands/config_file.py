"""The configuration file: ``communique.toml`` in the working directory, or the file ``--config`` names.

Every option of every command can be set there, under the option's name without its leading dashes:

    log-level = "info"              # top level: the log level, and options every command that has them
    output = "/data/communique"     # take (here: every command that has --output)

    [run]
    feeds = "feeds.txt"
    feed-timeout = 30
    fetch-articles = true

    [run.beam]                      # Beam's own options, as Beam spells them
    direct_num_workers = 2

A command's table wins over the top level, and the command line wins over both (a list option given on
the command line replaces the file's list). The whole file is checked before any command runs, with the
same conversions as the command line; a bad key or value is a ``ConfigFileError`` naming the key, the
file and the fix.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 installs the same parser as tomli (pyproject.toml)
    import tomli as tomllib

DEFAULT_CONFIG = "communique.toml"
BEAM_TABLE = "beam"
LOG_LEVEL_KEY = "log-level"


class ConfigFileError(ValueError):
    """A configuration file that cannot be used; the message names the file, the key and the fix."""


@dataclasses.dataclass
class CommandSettings:
    """What the file sets for one command: its options (by argparse dest) and Beam flags."""

    values: dict[str, object] = dataclasses.field(default_factory=dict)
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # dest -> where the file set it
    beam_args: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Settings:
    """A checked configuration file."""

    path: str
    log_level: str | None
    commands: dict[str, CommandSettings]


def config_path(given: str | None) -> str | None:
    """The file to read: ``--config PATH`` (which must exist), else ./communique.toml if there is one."""
    if given is not None:
        if not os.path.isfile(given):
            raise ConfigFileError(f"--config {given!r}: no such file; give the path of a TOML file like "
                                  f"the example in 'communique --help'.")
        return given
    return DEFAULT_CONFIG if os.path.isfile(DEFAULT_CONFIG) else None


def _options_by_key(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """A command's options by the name the file gives them: the long flag without its dashes."""
    options = {}
    for action in parser._actions:
        long_flags = [flag for flag in action.option_strings if flag.startswith("--")]
        if long_flags and action.dest not in (argparse.SUPPRESS, "help"):
            options[long_flags[0][2:]] = action
    return options


def _positionals(parser: argparse.ArgumentParser) -> set[str]:
    return {action.dest for action in parser._actions if not action.option_strings}


def _describe(value: object) -> str:
    return repr(value) if not isinstance(value, bool) else str(value).lower()


def _convert_one(action: argparse.Action, text: str) -> object:
    if action.type is None:
        return text
    try:
        return action.type(text)
    except (ValueError, TypeError, argparse.ArgumentTypeError) as error:
        kind = {int: "a whole number", float: "a number"}.get(action.type)
        raise ValueError(f"is not {kind}" if kind else str(error)) from error


def _convert(action: argparse.Action, value: object) -> object:
    """``value`` as the command line would have made it from the same option; ValueError says why not."""
    if action.nargs == 0:  # a switch (store_true)
        if not isinstance(value, bool):
            raise ValueError("is a switch: write true or false")
        return value
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, bool | dict | list) for item in items):
            raise ValueError('takes a list of values, e.g. ["first", "second"]')
        return [_convert_one(action, str(item)) for item in items]
    if isinstance(value, bool | dict | list) or value is None:
        raise ValueError("takes one value (a string or a number)")
    converted = _convert_one(action, str(value))
    if action.choices is not None and converted not in action.choices:
        raise ValueError(f"must be one of {', '.join(map(str, action.choices))}")
    return converted


def _unknown_key(path: str, where: str, key: str, known: list[str]) -> ConfigFileError:
    close = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ConfigFileError(f"{path}: unknown key {key!r} in {where}.{hint} The keys are the long options "
                           f"without their leading dashes: {', '.join(sorted(known))}.")


def _bad_value(path: str, where: str, key: str, value: object, why: str, flag: str) -> ConfigFileError:
    return ConfigFileError(f"{path}: {where} {key} = {_describe(value)} {why}; fix the value (it means "
                           f"the same as {flag} on the command line).")


def _beam_args(path: str, command: str, table: object, known_flags: set[str]) -> list[str]:
    where = f"[{command}.{BEAM_TABLE}]"
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: {command}.{BEAM_TABLE} must be a table of Beam options, e.g. "
                              f"[{command}.{BEAM_TABLE}] direct_num_workers = 2.")
    args = []
    for key, value in table.items():
        flag = f"--{key}"
        if flag not in known_flags:
            close = difflib.get_close_matches(key, [known[2:] for known in known_flags], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigFileError(f"{path}: {key!r} in {where} is not a Beam pipeline option.{hint} The keys "
                                  "there are Beam's options without their leading dashes, as Beam spells "
                                  "them (direct_num_workers, runner, ...).")
        if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(item, bool | dict | list)
                                                                       for item in value)):
            raise _bad_value(path, where, key, value, "takes a value, a list of values, or true", flag)
        if value is True:
            args.append(flag)
        elif value is not False:
            args.extend(f"{flag}={item}" for item in (value if isinstance(value, list) else [value]))
    return args


def load(path: str, commands: dict[str, argparse.ArgumentParser], global_parser: argparse.ArgumentParser,
         beam_commands: set[str], known_beam_flags: set[str]) -> Settings:
    """Reads and checks the file against the commands' parsers (``beam_commands`` also take a table of
    Beam options); raises ConfigFileError."""
    global_options = _options_by_key(global_parser)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path} is not valid TOML: {error}; fix the place it names.") from error
    except OSError as error:
        raise ConfigFileError(f"{path} cannot be read: {error.strerror}; check the path and its "
                              "permissions.") from error
    settings = Settings(path, None, {name: CommandSettings() for name in commands})
    shared_keys = {key for parser in commands.values() for key in _options_by_key(parser)}
    tables = {key: value for key, value in document.items() if isinstance(value, dict)}
    for key, value in document.items():
        if key in tables:
            continue
        if key in global_options:
            if key != LOG_LEVEL_KEY:
                raise ConfigFileError(f"{path}: {key!r} cannot be set in the configuration file; give "
                                      f"--{key} on the command line.")
            try:
                settings.log_level = _convert(global_options[key], value)
            except ValueError as why:
                raise _bad_value(path, "top level", key, value, str(why), f"--{key}") from why
            continue
        if key not in shared_keys:
            if key in commands:
                raise ConfigFileError(f"{path}: {key!r} must be a table: write [{key}] on a line of its "
                                      "own, with its options below.")
            raise _unknown_key(path, "the top level", key, sorted(shared_keys | {LOG_LEVEL_KEY}))
        for name, parser in commands.items():
            _set(settings.commands[name], path, "top level", name, parser, key, value)
    for name, table in tables.items():
        if name not in commands:
            close = difflib.get_close_matches(name, list(commands), n=1)
            hint = f" Did you mean [{close[0]}]?" if close else ""
            raise ConfigFileError(f"{path}: unknown table [{name}].{hint} The tables are the commands: "
                                  f"{', '.join(f'[{command}]' for command in commands)}.")
        for key, value in table.items():
            if key == BEAM_TABLE and name in beam_commands:
                settings.commands[name].beam_args = _beam_args(path, name, value, known_beam_flags)
                continue
            _set(settings.commands[name], path, f"[{name}]", name, commands[name], key, value, strict=True)
    return settings


def _set(command_settings: CommandSettings, path: str, where: str, command: str,
         parser: argparse.ArgumentParser, key: str, value: object, strict: bool = False) -> None:
    options = _options_by_key(parser)
    action = options.get(key)
    if action is None or key in ("config", LOG_LEVEL_KEY):
        if not strict:
            return  # a top-level option this command does not take
        if key == LOG_LEVEL_KEY:
            raise ConfigFileError(f"{path}: {key} applies to every command: move it above the first "
                                  "table, to the top level of the file.")
        if key == "config":
            raise ConfigFileError(f"{path}: 'config' cannot be set in the configuration file; give "
                                  "--config on the command line.")
        if key.replace("-", "_") in _positionals(parser):
            raise ConfigFileError(f"{path}: {where} {key}: {key!r} is an argument of 'communique {command}', "
                                  "not an option; give it on the command line.")
        raise _unknown_key(path, where, key, [name for name in options if name not in ("config",
                                                                                         LOG_LEVEL_KEY)])
    try:
        command_settings.values[action.dest] = _convert(action, value)
    except ValueError as why:
        raise _bad_value(path, where, key, value, str(why), f"--{key}") from why
    command_settings.keys[action.dest] = f"{where} {key}"


def apply(parser: argparse.ArgumentParser, settings: CommandSettings) -> None:
    """Makes the file's values the defaults of a command's parser, so that flags given win."""
    parser.set_defaults(**settings.values)
    for action in parser._actions:
        if action.dest in settings.values:
            action.required = False  # the file gave it


def given_lists_win(args: argparse.Namespace, settings: CommandSettings) -> None:
    """A list option given on the command line replaces the file's list (argparse appends to it)."""
    for dest, value in settings.values.items():
        parsed = getattr(args, dest, None)
        if isinstance(value, list) and isinstance(parsed, list) and len(parsed) > len(value):
            setattr(args, dest, parsed[len(value):])


def merged_beam_args(settings: CommandSettings, given: list[str]) -> list[str]:
    """The file's Beam flags that the command line does not give again, then the command line's."""
    given_flags = {arg.split("=", 1)[0] for arg in given if arg.startswith("--")}
    return [arg for arg in settings.beam_args if arg.split("=", 1)[0] not in given_flags] + given


def source_note(settings: CommandSettings, args: argparse.Namespace, path: str) -> str | None:
    """For a usage error: which of the command's values came from the file (the message may be about
    one of them)."""
    from_file = [where for dest, where in settings.keys.items()
                 if getattr(args, dest, None) == settings.values[dest]]
    if not from_file and not settings.beam_args:
        return None
    shown = from_file + [f"beam {arg}" for arg in settings.beam_args]
    return f"values taken from {path}: {', '.join(shown)}; an option named above may have its value there."
