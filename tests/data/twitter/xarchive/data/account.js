window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "nadia@example.invalid",
      "createdVia" : "web",
      "username" : "nadia_k",
      "accountId" : "4400",
      "createdAt" : "2015-03-01T10:00:00.000Z",
      "accountDisplayName" : "Nadia K"
    }
  }
]
