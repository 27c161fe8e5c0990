-- Drives `tensorlift serve` from a real Neovim (0.7+), headless:
--   nvim --headless --clean -c "luafile neovim_client.lua"
-- Environment: TL_PYTHON (the interpreter with tensorlift), TL_DIR (a scratch folder), TL_FILES (paths separated
-- by ":"). For each file: open it, wait for tensorlift's diagnostics, ask for code actions, resolve the first
-- quick fix, apply its workspace edit and write every buffer. A JSON report goes to $TL_DIR/report.json.

local python = os.getenv("TL_PYTHON")
local dir = os.getenv("TL_DIR")
local files = vim.split(os.getenv("TL_FILES"), ":", { plain = true })
local report = { files = {}, messages = {} }

local function write_report()
  local handle = io.open(dir .. "/report.json", "w")
  handle:write(vim.fn.json_encode(report))
  handle:close()
end

local capabilities = vim.lsp.protocol.make_client_capabilities()
-- Neovim applies documentChanges (CreateFile + TextDocumentEdit) but 0.7 does not say so: say it.
capabilities.workspace.workspaceEdit.documentChanges = true

local client_id = vim.lsp.start_client({
  name = "tensorlift",
  cmd = { python, "-m", "tensorlift", "serve" },
  root_dir = dir,
  capabilities = capabilities,
  init_options = { cacheDir = dir .. "/cache", budget = 30 },
  handlers = {
    ["window/showMessage"] = function(_, result)
      table.insert(report.messages, result.message)
    end,
  },
})

local function lift(path)
  local entry = { path = path }
  report.files[#report.files + 1] = entry
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  local got = vim.wait(90000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 100)
  if not got then
    error("no diagnostics for " .. path)
  end
  local diagnostic = vim.diagnostic.get(buf)[1]
  -- the diagnostic as the server sent it (range, message, code, data), for the code action's context
  local lsp_diagnostic = vim.lsp.diagnostic.get_line_diagnostics(buf, diagnostic.lnum, {}, client_id)[1]
  entry.diagnostic = { message = diagnostic.message, line = diagnostic.lnum, source = diagnostic.source,
                       severity = diagnostic.severity, code = lsp_diagnostic.code }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = diagnostic.lnum, character = diagnostic.col },
      ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
    },
    context = { diagnostics = { lsp_diagnostic }, only = { "quickfix" } },
  }
  local answers, request_error = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 30000)
  local answer = answers and answers[client_id] or {}
  if answer.err or request_error then
    error("codeAction failed: " .. vim.inspect(answer.err or request_error))
  end
  local actions = answer.result or {}
  entry.titles = {}
  for _, action in ipairs(actions) do
    table.insert(entry.titles, action.title)
  end
  if #actions == 0 then
    error("no code action for " .. path)
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local resolved = client.request_sync("codeAction/resolve", actions[1], 90000, buf)
  if not resolved or resolved.err or not resolved.result.edit then
    error("resolve failed for " .. path .. ": " .. vim.inspect(resolved))
  end
  local edit = resolved.result.edit
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or "utf-16")
  -- A text that ends in "\n" inserted into a new buffer leaves an empty last line, which Neovim would write with
  -- one more "\n" (a certificate must stay byte-exact): write the created files exactly as sent.
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.kind == "create" then
      local created = vim.fn.bufnr(vim.uri_to_fname(change.uri))
      vim.bo[created].fixendofline = false
      vim.bo[created].endofline = false
    end
  end
  vim.cmd("silent wall")
  entry.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end

local ok, err = pcall(function()
  for _, path in ipairs(files) do
    lift(path)
  end
end)
report.ok = ok
report.error = ok and vim.NIL or tostring(err)
write_report()
vim.lsp.stop_client(client_id)
vim.wait(2000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 50)
vim.cmd(ok and "qall!" or "cquit! 1")
