module example.com/vigil/app

go 1.17

require (
	example.com/vigil/lib v1.0.0
	example.com/vigil/orig v1.0.0
	golang.org/x/text v0.3.5
)

require golang.org/x/crypto v0.0.0-20200220183623-bac4c82f6975 // indirect

replace example.com/vigil/orig => example.com/vigil/fork v1.2.0
