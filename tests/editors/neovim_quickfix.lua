-- Neovim 0.7 (Debian 12's package), headless, with its built-in LSP client: open a file,
-- wait for cancelsafe's diagnostic, apply the preferred quick fix through
-- vim.lsp.buf.code_action() (the menu answered by the first preferred action), write the file,
-- stop the server. What happened is written as JSON to $CANCELSAFE_RESULT for the Rust test.
local result = { steps = {} }

local function step(name, value)
  table.insert(result.steps, name)
  if value ~= nil then
    result[name] = value
  end
end

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.CANCELSAFE_RESULT)
  vim.cmd('qall!')
end

local function run()
  local file = vim.env.CANCELSAFE_FILE
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local exit_code = nil
  local client_id = vim.lsp.start_client({
    name = 'cancelsafe',
    cmd = { vim.env.CANCELSAFE_BIN, 'server' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    settings = { cancelsafe = { select = { 'CS201' } } },
    -- Neovim 0.7 leaves sending the settings to the configuration (as nvim-lspconfig does).
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
    on_exit = function(code)
      exit_code = code
    end,
  })
  vim.lsp.buf_attach_client(bufnr, client_id)
  step('started')

  -- Only CS201: the settings above select it, and the file also has a CS101 leak.
  local function only_cs201()
    local diagnostics = vim.diagnostic.get(bufnr)
    return #diagnostics == 1 and diagnostics[1].code == 'CS201'
  end
  if not vim.wait(15000, only_cs201, 20) then
    error('expected one CS201 diagnostic, got ' .. vim.inspect(vim.diagnostic.get(bufnr)))
  end
  local diagnostic = vim.diagnostic.get(bufnr)[1]
  step('diagnostic', {
    code = diagnostic.code,
    source = diagnostic.source,
    lnum = diagnostic.lnum,
    col = diagnostic.col,
    end_col = diagnostic.end_col,
    count = #vim.diagnostic.get(bufnr),
  })

  -- The code action menu: pick the preferred quick fix, as a user would pick the first entry.
  local offered = {}
  vim.ui.select = function(items, _, on_choice)
    local chosen = nil
    for index, item in ipairs(items) do
      local action = item[2]
      table.insert(offered, action.title)
      if action.isPreferred and chosen == nil then
        chosen = index
      end
    end
    on_choice(items[chosen], chosen)
  end
  local before = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  vim.lsp.buf.code_action()
  if not vim.wait(15000, function() return vim.api.nvim_buf_get_changedtick(bufnr) ~= before end, 20) then
    error('the quick fix was not applied; offered: ' .. vim.inspect(offered))
  end
  step('applied', offered)
  vim.cmd('write')

  -- The server checks the text Neovim now holds: the finding is gone.
  if not vim.wait(15000, function() return #vim.diagnostic.get(bufnr) == 0 end, 20) then
    error('the diagnostic stayed after the fix')
  end
  step('cleared')

  vim.lsp.stop_client(client_id)
  if not vim.wait(15000, function() return exit_code ~= nil end, 20) then
    error('the server did not exit')
  end
  step('exit', exit_code)
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
finish()
