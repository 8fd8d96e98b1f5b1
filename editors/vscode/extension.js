// A minimal VS Code client for `commlint lsp`: starts the server over stdio for Markdown,
// plain text and HTML, forwards the `commlint.*` settings, and watches config files.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function settings() {
  const c = vscode.workspace.getConfiguration("commlint");
  return {
    commlint: {
      debounceMs: c.get("debounceMs"),
      fullLintDelayMs: c.get("fullLintDelayMs"),
      config: c.get("config"),
    },
  };
}

async function activate(context) {
  const executable = vscode.workspace.getConfiguration("commlint").get("path") || "commlint";
  client = new LanguageClient(
    "commlint",
    "commlint",
    { command: executable, args: ["lsp"] },
    {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "file", language: "plaintext" },
        { scheme: "file", language: "html" },
        { scheme: "untitled", language: "markdown" },
      ],
      initializationOptions: settings(),
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{commlint.toml,.commlint.toml,pyproject.toml}"),
      },
    },
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("commlint") && client) {
        client.sendNotification("workspace/didChangeConfiguration", { settings: settings() });
      }
    }),
    // The server's own `commlint.showDensity` (used by the code lens) takes the document URI;
    // this palette command passes the active editor's.
    vscode.commands.registerCommand("commlint.showDensityOfActiveDraft", () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !client) return undefined;
      return client.sendRequest("workspace/executeCommand", {
        command: "commlint.showDensity",
        arguments: [editor.document.uri.toString()],
      });
    }),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
