#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest against the desktop entry and the metainfo.

A real Flatpak build needs the GNOME runtime, which tests cannot download;
this checks what can go wrong without one: names that drift apart, a
sandbox that grows permissions, unpinned sources, modules out of order.
When flatpak-builder is installed, its own parser reads the manifest too and
any property it does not know fails the test.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

FINISH_ARGS = {
    '--share=ipc',
    '--socket=fallback-x11',
    '--socket=wayland',
    '--device=dri',
    '--share=network',
}
MODULE_ORDER = ['libpq', 'librdkafka', 'data-pipeline-streaming']
ARCHIVE_TYPES = {'archive', 'file'}
SHA256 = re.compile(r'^[0-9a-f]{64}$')


class Checker:
    def __init__(self):
        self.failures = 0

    def expect(self, ok, message):
        print(('ok: ' if ok else 'not ok: ') + message)
        if not ok:
            self.failures += 1


def desktop_entry(path):
    """The keys of the [Desktop Entry] group, untranslated ones only."""
    entry = {}
    group = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                group = line
                continue
            if group == '[Desktop Entry]' and '=' in line:
                key, value = line.split('=', 1)
                entry[key.strip()] = value.strip()
    return entry


def strip_suffixes(path, suffixes):
    name = os.path.basename(path)
    for suffix in suffixes:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def check_manifest(check, manifest, desktop_path, metainfo_path):
    app_id = manifest.get('app-id') or manifest.get('id')

    desktop_id = strip_suffixes(desktop_path, ('.desktop.in', '.desktop'))
    check.expect(app_id == desktop_id,
                 f'app-id {app_id!r} is the desktop file name {desktop_id!r}')

    entry = desktop_entry(desktop_path)
    check.expect(entry.get('Icon') == app_id, f'desktop Icon is {app_id!r}')
    exec_program = entry.get('Exec', '').split()[0:1]
    check.expect(exec_program == [manifest.get('command')],
                 f'command {manifest.get("command")!r} is the desktop Exec program {exec_program}')

    component = ET.parse(metainfo_path).getroot()
    meta_id = component.findtext('id')
    check.expect(meta_id == app_id, f'metainfo <id> {meta_id!r} is the app-id')
    launchables = [l.text for l in component.findall('launchable')
                   if l.get('type') == 'desktop-id']
    check.expect(launchables == [app_id + '.desktop'],
                 f'metainfo <launchable> {launchables} is the desktop file')
    binaries = [b.text for b in component.findall('provides/binary')]
    check.expect(manifest.get('command') in binaries,
                 f'metainfo provides the command as a binary {binaries}')
    translation = component.find('translation')
    check.expect(translation is not None and translation.get('type') == 'gettext',
                 'metainfo names its gettext domain')

    for key in ('runtime', 'sdk'):
        value = manifest.get(key, '')
        check.expect(value.startswith('org.gnome.'), f'{key} {value!r} is a GNOME one')
    check.expect(manifest.get('runtime', '').replace('Platform', 'Sdk') == manifest.get('sdk'),
                 'the sdk matches the runtime')
    check.expect(bool(manifest.get('runtime-version')), 'runtime-version is pinned')

    finish_args = manifest.get('finish-args', [])
    check.expect(len(finish_args) == len(set(finish_args)) and set(finish_args) == FINISH_ARGS,
                 f'finish-args are exactly {sorted(FINISH_ARGS)}')

    modules = manifest.get('modules', [])
    names = [m.get('name') if isinstance(m, dict) else m for m in modules]
    check.expect(names == MODULE_ORDER, f'modules {names} are {MODULE_ORDER}, in that order')

    for module in modules:
        if not isinstance(module, dict):
            check.expect(False, f'module {module!r} is inline, not a separate file')
            continue
        for source in module.get('sources', []):
            kind = source.get('type')
            where = source.get('url') or source.get('path')
            if kind in ARCHIVE_TYPES and 'url' in source:
                check.expect(bool(SHA256.match(source.get('sha256', ''))),
                             f'{module["name"]}: {where} has a sha256')
                check.expect(source['url'].startswith('https://'),
                             f'{module["name"]}: {where} is fetched over HTTPS')
            elif kind == 'git':
                check.expect('commit' in source or 'tag' in source,
                             f'{module["name"]}: {where} is pinned to a commit or tag')

    app = modules[-1] if modules and isinstance(modules[-1], dict) else {}
    check.expect(app.get('buildsystem') == 'meson', 'the app builds with meson')
    dirs = [s for s in app.get('sources', []) if s.get('type') == 'dir']
    check.expect(len(dirs) == 1 and dirs[0].get('path') == '..',
                 'the app is built from the source tree ("..")')


def check_with_flatpak_builder(check, manifest_path):
    flatpak_builder = shutil.which('flatpak-builder')
    if flatpak_builder is None:
        print('ok: flatpak-builder --show-manifest # SKIP flatpak-builder not found')
        return
    # flatpak-builder keeps its state in .flatpak-builder/ of the current folder.
    with tempfile.TemporaryDirectory(prefix='dps-flatpak-') as tmp:
        result = subprocess.run([flatpak_builder, '--show-manifest',
                                 os.path.abspath(manifest_path)],
                                cwd=tmp, capture_output=True, text=True)
    warnings = [l for l in result.stderr.splitlines() if 'WARNING' in l]
    for line in warnings:
        print('# ' + line)
    check.expect(result.returncode == 0 and not warnings,
                 'flatpak-builder --show-manifest reads the manifest without warnings')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('manifest')
    parser.add_argument('desktop')
    parser.add_argument('metainfo')
    args = parser.parse_args()

    check = Checker()
    with open(args.manifest, encoding='utf-8') as f:
        manifest = json.load(f)
    check_manifest(check, manifest, args.desktop, args.metainfo)
    check_with_flatpak_builder(check, args.manifest)
    return 1 if check.failures else 0


if __name__ == '__main__':
    sys.exit(main())
